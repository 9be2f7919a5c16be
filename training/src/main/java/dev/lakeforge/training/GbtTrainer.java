package dev.lakeforge.training;

import dev.lakeforge.core.config.TaskKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** MLlib gradient-boosted trees: binary classification or regression; stops early on validation rows. */
final class GbtTrainer extends MllibTrainer {
  /**
   * The training curve is read on a seeded sample of about this many rows: on all 2.5M flights the extra
   * evaluateEachIteration pass was a noticeable share of the fit.
   */
  static final long CURVE_ROWS = 200_000;

  @Override
  public String algorithm() {
    return "gbt";
  }

  @Override
  public String roundsParam() {
    return "max_iter";
  }

  @Override
  public int defaultRounds() {
    return 20;
  }

  @Override
  Set<TaskKind> tasks() {
    return Set.of(TaskKind.BINARY, TaskKind.REGRESSION);
  }

  @Override
  boolean stopsEarly() {
    return true;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  Predictor<Vector, ?, ?> estimator(TaskKind task) {
    return task == TaskKind.REGRESSION ? (Predictor) new GBTRegressor() : (Predictor) new GBTClassifier();
  }

  @Override
  Map<String, List<Double>> curves(Model<?> model, Dataset<Row> training, Dataset<Row> validation) {
    Map<String, List<Double>> curves = new LinkedHashMap<>();
    String loss = model instanceof GBTClassificationModel ? "log_loss" : "squared_error";
    long rows = training.count();
    Dataset<Row> sample = rows <= CURVE_ROWS ? training : training.sample(false, (double) CURVE_ROWS / rows, 42);
    curves.put("train-" + loss, list(lossPerIteration(model, sample)));
    if (validation != null) {
      curves.put("validation-" + loss, list(lossPerIteration(model, validation)));
    }
    return curves;
  }

  /**
   * The loss after each tree. Spark's classification LogLoss.computeError is 2·log(1 + e^(−2yF)) with y in {−1, 1},
   * twice the log loss of the probability 1/(1 + e^(−2F)) the model outputs; halved here so the curve is the log loss
   * evaluate reports.
   */
  private static double[] lossPerIteration(Model<?> model, Dataset<Row> rows) {
    if (model instanceof GBTClassificationModel c) {
      return java.util.Arrays.stream(c.evaluateEachIteration(rows)).map(v -> v / 2).toArray();
    }
    return ((GBTRegressionModel) model).evaluateEachIteration(rows, "squared");
  }

  @Override
  Integer rounds(Model<?> model) {
    return model instanceof GBTClassificationModel c ? c.getNumTrees() : ((GBTRegressionModel) model).getNumTrees();
  }

  @Override
  Map<String, Map<String, Double>> importance(Model<?> model, List<String> features) {
    Vector scores = model instanceof GBTClassificationModel c ? c.featureImportances()
        : ((GBTRegressionModel) model).featureImportances();
    return Map.of("gain", byFeature(scores, features));
  }
}
