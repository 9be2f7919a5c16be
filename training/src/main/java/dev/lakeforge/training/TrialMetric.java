package dev.lakeforge.training;

import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.error.Errors;
import java.util.Map;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The validation metric a sweep ranks trials by, computed with Spark's evaluators. */
final class TrialMetric {
  private static final Map<TaskKind, Map<String, String>> BY_TASK = Map.of(
      TaskKind.BINARY, Map.of("auc_roc", "areaUnderROC", "auc_pr", "areaUnderPR", "log_loss", "logLoss",
          "accuracy", "accuracy", "f1", "f1"),
      TaskKind.MULTICLASS, Map.of("log_loss", "logLoss", "accuracy", "accuracy", "f1", "f1"),
      TaskKind.REGRESSION, Map.of("rmse", "rmse", "mae", "mae", "r2", "r2"));
  private static final Map<TaskKind, String> DEFAULTS = Map.of(TaskKind.BINARY, "auc_roc",
      TaskKind.MULTICLASS, "log_loss", TaskKind.REGRESSION, "rmse");

  final String name;
  private final Evaluator evaluator;

  private TrialMetric(String name, Evaluator evaluator) {
    this.name = name;
    this.evaluator = evaluator;
  }

  static TrialMetric of(String configured, TaskKind task, String label) {
    String name = configured != null ? configured : DEFAULTS.get(task);
    String spark = BY_TASK.get(task).get(name);
    if (spark == null) {
      throw Errors.configInvalid("training.sweep.metric", "'" + name + "' is not a " + task + " metric; known: "
          + String.join(", ", new java.util.TreeSet<>(BY_TASK.get(task).keySet())));
    }
    Evaluator evaluator = switch (spark) {
      case "areaUnderROC", "areaUnderPR" -> new BinaryClassificationEvaluator().setMetricName(spark)
          .setLabelCol(label).setRawPredictionCol(SparkModels.PROBABILITY);
      case "rmse", "mae", "r2" -> new RegressionEvaluator().setMetricName(spark).setLabelCol(label);
      default -> new MulticlassClassificationEvaluator().setMetricName(spark).setLabelCol(label)
          .setProbabilityCol(SparkModels.PROBABILITY);
    };
    return new TrialMetric(name, evaluator);
  }

  double evaluate(Dataset<Row> scored) {
    return evaluator.evaluate(scored);
  }

  boolean largerIsBetter() {
    return evaluator.isLargerBetter();
  }

  /** True when {@code a} beats {@code b}. */
  boolean better(double a, double b) {
    return largerIsBetter() ? a > b : a < b;
  }
}
