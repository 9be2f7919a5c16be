package dev.lakeforge.evaluation;

import static org.apache.spark.sql.functions.col;

import dev.lakeforge.core.config.EvaluationConfig;
import dev.lakeforge.core.config.GateConfig;
import dev.lakeforge.core.config.SpineConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.VersionedFrame;
import dev.lakeforge.features.TrainingSetStage;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.PreparedTraining;
import dev.lakeforge.training.SparkModels;
import dev.lakeforge.training.TrainStage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Scores the validation split of the exact feature table version the model was trained on, computes the
 * metrics, applies the gates and writes {@code evaluation.json} next to the model. A model outside a gate is
 * "not blessed": the stage ends with exit 4 and the model is never promoted.
 */
public final class EvaluateStage implements Stage {
  public static final String NAME = "evaluate";
  public static final String SCORE = "score";
  public static final String BLESSED = "blessed";

  /** What evaluation concluded, kept with the model. */
  public record Evaluation(Map<String, Double> metrics, boolean blessed, List<String> reasons, String validatedOn,
      double threshold) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    StageResult trained = TrainStage.latestModel(context.manifests());
    ModelDirectory dir = new ModelDirectory(Path.of(trained.output(TrainStage.MODEL_DIR)));
    ModelDirectory.Info info = dir.info();
    EvaluationConfig config = context.config().evaluation();
    StageResult.Builder result = context.result(NAME);

    VersionedFrame table = context.lake().read(TableRef.parse(info.trainingSet()), TrainingSetStage.NAME);
    result.read(table.version());
    SpineConfig spine = context.config().trainingSets().get(TrainingSetStage.trainingSetName(context.config())).spine();
    Dataset<Row> validation = PreparedTraining.split(context, spine).validation(table.rows())
        .filter(col(info.label()).isNotNull());
    Dataset<Row> scored = SparkModels.transform(SparkModels.load(dir.sparkModel()), validation, info.features())
        .select(col(info.label()), SparkModels.positiveProbability().as(SCORE))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Double> metrics;
    try {
      metrics = BinaryMetrics.compute(scored, info.label(), SCORE, config.threshold());
    } finally {
      scored.unpersist();
    }

    List<String> reasons = new ArrayList<>();
    for (Map.Entry<String, GateConfig> gate : new TreeMap<>(config.gates()).entrySet()) {
      Double value = metrics.get(gate.getKey());
      if (value == null) {
        throw Errors.configInvalid("evaluation.gates", "metric '" + gate.getKey() + "' does not exist; known: "
            + String.join(", ", metrics.keySet()));
      }
      if (!gate.getValue().admits(value)) {
        reasons.add(String.format("%s = %.4f is outside [%s, %s]", gate.getKey(), value,
            gate.getValue().min() == null ? "-inf" : gate.getValue().min(),
            gate.getValue().max() == null ? "+inf" : gate.getValue().max()));
      }
    }
    boolean blessed = reasons.isEmpty();
    dir.writeJson(ModelDirectory.EVALUATION,
        new Evaluation(metrics, blessed, reasons, table.version().toString(), config.threshold()));
    Map<String, Object> reported = new LinkedHashMap<>(metrics);
    reported.forEach(result::metric);
    result.output(BLESSED, String.valueOf(blessed)).output(TrainStage.MODEL_DIR, dir.root().toString());
    if (!blessed) {
      context.manifests().save(result.build());
      throw Errors.modelGate(context.config().registry().modelName(), String.join("; ", reasons));
    }
    return result.build();
  }
}
