package dev.lakeforge.training;

import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.RunManifests;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.storage.Storage;

/**
 * Trains {@code training.algorithm} with {@code training.params} on the training split of the training set and
 * writes the {@link ModelDirectory}.
 */
public final class TrainStage implements Stage {
  public static final String NAME = "train";
  public static final String MODEL_DIR = "model_dir";
  public static final String TRAINING_SET = "training_set";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    StageResult.Builder result = context.result(NAME);
    TrainingSlots slots = TrainingSlots.forOneFit(context.config().training(), context.spark());
    try (PreparedTraining prepared = PreparedTraining.prepare(context, result, slots)) {
      String dir = modelPath(context, "");
      ModelDirectory out = prepared.fitAndSave(context, context.config().training().params(), dir);
      ModelDirectory.Info info = out.info();
      result.metric("training_rows", prepared.trainingRows).metric("validation_rows", prepared.validationRows);
      if (info.bestIteration() != null) {
        result.metric("best_iteration", info.bestIteration());
      }
      if (prepared.trainer instanceof XGBoostTrainer) {
        result.output("xgboost_workers", slots.workers() + " x " + slots.threadsPerWorker() + " thread(s)");
      }
      prepared.device.cpuBecause().ifPresent(why -> result.output("gpu_fallback", why));
      return result.output(MODEL_DIR, out.root())
          .output(TRAINING_SET, prepared.table.version().toString())
          .output("algorithm", info.algorithm())
          .output("device", info.device())
          .build();
    }
  }

  /** {@code <lake.models>/<pipeline>/<run id><suffix>}, on any Hadoop path. */
  static String modelPath(RunContext context, String suffix) {
    Storage storage = context.storage();
    return storage.resolve(storage.qualify(context.config().lake().models()), context.config().pipeline(),
        context.runIdForPaths() + suffix);
  }
}
