package dev.lakeforge.training;

import dev.lakeforge.core.config.TaskKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** MLlib linear regression, the regression baseline. */
final class LinearRegressionTrainer extends MllibTrainer {
  @Override
  public String algorithm() {
    return "linear_regression";
  }

  @Override
  public String roundsParam() {
    return "max_iter";
  }

  @Override
  public int defaultRounds() {
    return 100;
  }

  @Override
  Set<TaskKind> tasks() {
    return Set.of(TaskKind.REGRESSION);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  Predictor<Vector, ?, ?> estimator(TaskKind task) {
    return (Predictor) new LinearRegression();
  }

  @Override
  Map<String, List<Double>> curves(Model<?> model, Dataset<Row> training, Dataset<Row> validation) {
    return Map.of("train-objective", list(((LinearRegressionModel) model).summary().objectiveHistory()));
  }

  @Override
  Map<String, Map<String, Double>> importance(Model<?> model, List<String> features) {
    return Map.of("coefficient", byFeature(((LinearRegressionModel) model).coefficients(), features));
  }
}
