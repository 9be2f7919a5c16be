package dev.lakeforge.evaluation;

import dev.lakeforge.core.config.EvaluationConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.VersionedFrame;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.ModelStore;
import dev.lakeforge.training.RegisteredModel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The registry's champion scored on exactly the validation rows the new model was, for the gates'
 * {@code champion_margin}: looked up only when a gate compares with it.
 *
 * @param label   the champion as {@code models:/name/version (@alias)}
 * @param metrics its metrics on the same rows; the new model's own when the champion is that model
 */
record ChampionComparison(String label, Map<String, Double> metrics) {

  /**
   * The comparison, or empty when no gate has a champion margin or no model holds the alias.
   *
   * @throws dev.lakeforge.core.error.LakeforgeException (config error) when the champion cannot score these rows:
   *     its features are not in the table, or its task differs
   */
  static Optional<ChampionComparison> of(RunContext context, EvaluationConfig config, TaskEvaluator evaluator,
      ModelDirectory dir, VersionedFrame table, Dataset<Row> validation, Map<String, Double> ours) {
    boolean wanted = config.gates().values().stream().anyMatch(g -> g.championMargin() != null);
    if (!wanted) {
      return Optional.empty();
    }
    Optional<RegisteredModel> champion = ModelStore.of(context).byAlias(context.config().registry().modelName(),
        context.config().registry().alias());
    return champion.map(c -> new ChampionComparison(c.label(), c.directory().root().equals(dir.root()) ? ours
        : metrics(evaluator, c, dir.info(), table, validation, config)));
  }

  private static Map<String, Double> metrics(TaskEvaluator evaluator, RegisteredModel champion,
      ModelDirectory.Info info, VersionedFrame table, Dataset<Row> validation, EvaluationConfig config) {
    ModelDirectory.Info theirs = champion.directory().info();
    List<String> missing = theirs.features().stream()
        .filter(f -> !Arrays.asList(validation.columns()).contains(f)).toList();
    if (!missing.isEmpty() || !theirs.task().equals(info.task())) {
      throw Errors.configInvalid("evaluation.gates", "Cannot compare with " + champion.label() + ": "
          + (missing.isEmpty() ? "it is a " + theirs.task() + " model and this one is " + info.task()
              : "its features " + String.join(", ", missing) + " are not in " + table.version())
          + ". Fix: drop champion_margin from the gates for this change, review the model, and promote it with "
          + "`lakeforge register --force`");
    }
    Dataset<Row> scored = EvaluateStage.score(evaluator, champion.directory(), theirs, validation, List.of())
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return evaluator.evaluate(scored, theirs, config, false).metrics();
    } finally {
      scored.unpersist();
    }
  }
}
