package dev.lakeforge.training;

import dev.lakeforge.core.config.TaskKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.RandomForestRegressionModel;
import org.apache.spark.ml.regression.RandomForestRegressor;

/** MLlib random forest: binary, multiclass or regression. */
final class RandomForestTrainer extends MllibTrainer {
  @Override
  public String algorithm() {
    return "random_forest";
  }

  @Override
  public String roundsParam() {
    return "num_trees";
  }

  @Override
  public int defaultRounds() {
    return 20;
  }

  @Override
  Set<TaskKind> tasks() {
    return Set.of(TaskKind.values());
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  Predictor<Vector, ?, ?> estimator(TaskKind task) {
    return task == TaskKind.REGRESSION ? (Predictor) new RandomForestRegressor()
        : (Predictor) new RandomForestClassifier();
  }

  @Override
  Map<String, Map<String, Double>> importance(Model<?> model, List<String> features) {
    Vector scores = model instanceof RandomForestClassificationModel c ? c.featureImportances()
        : ((RandomForestRegressionModel) model).featureImportances();
    return Map.of("gain", byFeature(scores, features));
  }
}
