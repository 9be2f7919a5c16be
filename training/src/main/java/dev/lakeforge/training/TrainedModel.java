package dev.lakeforge.training;

import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.scala.Booster;
import org.apache.spark.ml.Transformer;

/**
 * A fitted model and what it learned about itself.
 *
 * @param sparkModel    transforms rows prepared by {@link SparkModels#withFeatureVector} into prediction (and
 *                      probability for classifiers)
 * @param booster       the native XGBoost booster, or null for MLlib models
 * @param curves        per-iteration metrics by name (e.g. {@code validation-auc}), for MLflow step curves
 * @param bestIteration the 0-based round early stopping found best, or null without early stopping (XGBoost
 *                      reports it even when every round improved); the model holds exactly the rounds up to and
 *                      including it
 * @param params        every param the algorithm ran with, defaults included
 * @param importance    per importance type (gain, weight, cover, coefficient), per feature
 * @param roundsTrained boosting rounds the trainer ran (XGBoost: the curves' length; GBT: one more than it keeps
 *                      when it stopped early), or null for models without rounds
 * @param roundsKept    boosting rounds in the model (bestIteration + 1 after early stopping), or null likewise
 */
public record TrainedModel(Transformer sparkModel, Booster booster, Map<String, List<Double>> curves,
    Integer bestIteration, Map<String, Object> params, Map<String, Map<String, Double>> importance,
    Integer roundsTrained, Integer roundsKept) implements AutoCloseable {

  /**
   * Frees the native booster (the Spark model shares it, so neither predicts afterwards). Without it the memory
   * outside the heap waits for a finalizer, which a large heap may not run before the machine runs out.
   */
  @Override
  public void close() {
    if (booster != null) {
      booster.dispose();
    }
  }
}
