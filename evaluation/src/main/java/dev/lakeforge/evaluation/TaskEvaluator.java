package dev.lakeforge.evaluation;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.size;

import dev.lakeforge.core.config.EvaluationConfig;
import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.training.LabelClasses;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.SparkModels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What evaluating a model of one task kind means, chosen once per model ({@link #of}): the label and the model's
 * outputs under the fixed names {@link EvaluateStage#LABEL}, {@link EvaluateStage#SCORE} (binary: the probability
 * of 1), {@link EvaluateStage#PREDICTION} and {@link EvaluateStage#PROBABILITY} (multiclass: one per class), which
 * predictions are unusable, and the metrics with the plots the report draws from them.
 */
abstract sealed class TaskEvaluator {
  /**
   * Metrics and what the report shows beside them.
   *
   * @param confusion   rows actual, columns predicted; null for regression
   * @param classes     the confusion matrix's class names; null for regression
   * @param calibration binary only, else null
   * @param plots       PNG bytes by file name, in report order; empty when not asked for
   */
  record Outcome(Map<String, Double> metrics, long[][] confusion, List<String> classes,
      List<BinaryMetrics.CalibrationBin> calibration, Map<String, byte[]> plots) {}

  static TaskEvaluator of(TaskKind task) {
    return switch (task) {
      case BINARY -> new Binary();
      case MULTICLASS -> new Multiclass();
      case REGRESSION -> new Regression();
    };
  }

  /** The label as the metrics read it (a double; multiclass: the model's class index). */
  Column label(ModelDirectory.Info info) {
    return col(info.label()).cast("double");
  }

  /** The names of the metrics {@link #evaluate} computes for every model of the task (what a gate may name). */
  abstract java.util.Set<String> metricNames();

  /** Whether {@link #evaluate} computes a metric of this name, known before any data. */
  boolean computes(String metric) {
    return metricNames().contains(metric);
  }

  /** The model's outputs, renamed to the fixed names. */
  abstract List<Column> outputs();

  /** True for a row whose prediction no metric can use (null or NaN). */
  abstract Column unusable();

  /**
   * The metrics on scored rows (the columns {@link #label} and {@link #outputs} name).
   *
   * @param plots whether to draw the report's plots (the champion's comparison needs the metrics only)
   */
  abstract Outcome evaluate(Dataset<Row> scored, ModelDirectory.Info info, EvaluationConfig config, boolean plots);

  /**
   * Refuses labels this kind's metrics are undefined on, given the validation rows and the sum of their labels.
   *
   * @param what the model and table, for the message
   */
  void checkLabels(long rows, double labelSum, String what) {}

  private static final class Binary extends TaskEvaluator {
    @Override
    java.util.Set<String> metricNames() {
      return BinaryMetrics.NAMES;
    }

    @Override
    List<Column> outputs() {
      return List.of(SparkModels.positiveProbability().as(EvaluateStage.SCORE));
    }

    @Override
    Column unusable() {
      return col(EvaluateStage.SCORE).isNull().or(col(EvaluateStage.SCORE).isNaN());
    }

    @Override
    Outcome evaluate(Dataset<Row> scored, ModelDirectory.Info info, EvaluationConfig config, boolean plots) {
      BinaryMetrics.Result r = BinaryMetrics.compute(scored, EvaluateStage.LABEL, EvaluateStage.SCORE,
          config.threshold(), config.calibrationBins());
      List<String> classes = List.of("0", "1");
      Map<String, byte[]> png = new LinkedHashMap<>();
      if (plots) {
        png.put("roc.png", EvaluationCharts.roc(r.roc(), r.metrics().get("auc_roc")));
        png.put("pr.png", EvaluationCharts.precisionRecall(r.pr(), r.metrics().get("auc_pr"),
            r.metrics().get("positive_rate")));
        png.put("calibration.png", EvaluationCharts.calibration(r.calibration()));
        png.put("confusion.png", EvaluationCharts.confusion(r.confusion(), classes));
      }
      return new Outcome(r.metrics(), r.confusion(), classes, r.calibration(), png);
    }

    @Override
    void checkLabels(long rows, double positives, String what) {
      if (positives == 0 || positives == rows) {
        throw Errors.evaluationInput(what, "the label has one class only (" + (positives == 0 ? "0" : "1")
            + ") on all " + rows + " validation rows, so AUC and the rates are undefined", "widen the validation "
            + "window (training.split) or check the label expression");
      }
    }
  }

  private static final class Multiclass extends TaskEvaluator {
    @Override
    java.util.Set<String> metricNames() {
      return MulticlassMetrics.NAMES;
    }

    /** Also each class's {@code precision_class_<label>}, {@code recall_class_<label>}, {@code f1_class_<label>}. */
    @Override
    boolean computes(String metric) {
      return super.computes(metric) || MulticlassMetrics.PER_CLASS.matcher(metric).matches();
    }

    /** Labels as the model's class indices (labels 1..K are classes 0..K-1; model-info.json's classes). */
    @Override
    Column label(ModelDirectory.Info info) {
      return LabelClasses.toIndex(col(info.label()), info.classes());
    }

    @Override
    List<Column> outputs() {
      return List.of(col(SparkModels.PREDICTION).as(EvaluateStage.PREDICTION),
          vector_to_array(col(SparkModels.PROBABILITY), "float64").as(EvaluateStage.PROBABILITY));
    }

    @Override
    Column unusable() {
      return col(EvaluateStage.PREDICTION).isNull()
          .or(expr("exists(" + EvaluateStage.PROBABILITY + ", p -> isnan(p))"));
    }

    @Override
    Outcome evaluate(Dataset<Row> scored, ModelDirectory.Info info, EvaluationConfig config, boolean plots) {
      int k = scored.select(size(col(EvaluateStage.PROBABILITY))).head().getInt(0);
      List<String> classes = info.classes() == null ? IntStream.range(0, k).mapToObj(String::valueOf).toList()
          : info.classes().names();
      MulticlassMetrics.Result r = MulticlassMetrics.compute(scored, EvaluateStage.LABEL, EvaluateStage.PREDICTION,
          EvaluateStage.PROBABILITY, k, classes);
      Map<String, byte[]> png = new LinkedHashMap<>();
      if (plots) {
        png.put("confusion.png", EvaluationCharts.confusion(r.confusion(), classes));
      }
      return new Outcome(r.metrics(), r.confusion(), classes, null, png);
    }
  }

  private static final class Regression extends TaskEvaluator {
    @Override
    java.util.Set<String> metricNames() {
      return RegressionMetrics.NAMES;
    }

    @Override
    List<Column> outputs() {
      return List.of(col(SparkModels.PREDICTION).cast("double").as(EvaluateStage.PREDICTION));
    }

    @Override
    Column unusable() {
      return col(EvaluateStage.PREDICTION).isNull().or(col(EvaluateStage.PREDICTION).isNaN());
    }

    @Override
    Outcome evaluate(Dataset<Row> scored, ModelDirectory.Info info, EvaluationConfig config, boolean plots) {
      RegressionMetrics.Result r = RegressionMetrics.compute(scored, EvaluateStage.LABEL, EvaluateStage.PREDICTION);
      Map<String, byte[]> png = new LinkedHashMap<>();
      if (plots) {
        png.put("predicted_vs_actual.png", EvaluationCharts.predictedVersusActual(r.sample()));
      }
      return new Outcome(r.metrics(), null, null, null, png);
    }
  }
}
