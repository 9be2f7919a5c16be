package dev.lakeforge.training;

import dev.lakeforge.core.config.TaskKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** MLlib logistic regression, the classification baseline: binary or multinomial. */
final class LogisticRegressionTrainer extends MllibTrainer {
  @Override
  public String algorithm() {
    return "logistic_regression";
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
    return Set.of(TaskKind.BINARY, TaskKind.MULTICLASS);
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  Predictor<Vector, ?, ?> estimator(TaskKind task) {
    return (Predictor) new LogisticRegression();
  }

  @Override
  Map<String, List<Double>> curves(Model<?> model, Dataset<Row> training, Dataset<Row> validation) {
    return Map.of("train-objective", list(((LogisticRegressionModel) model).summary().objectiveHistory()));
  }

  @Override
  Map<String, Map<String, Double>> importance(Model<?> model, List<String> features) {
    LogisticRegressionModel lr = (LogisticRegressionModel) model;
    if (lr.numClasses() > 2) {
      return Map.of();
    }
    return Map.of("coefficient", new LinkedHashMap<>(byFeature(lr.coefficients(), features)));
  }
}
