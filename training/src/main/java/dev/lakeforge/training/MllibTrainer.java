package dev.lakeforge.training;

import static org.apache.spark.sql.functions.lit;

import dev.lakeforge.core.config.EarlyStoppingConfig;
import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.error.Errors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The MLlib trainers' shared shape. MLlib models cannot take NaN, so the saved model is a pipeline: mean
 * imputation learnt on the training rows, an assembler, then the estimator; it reads the raw feature columns.
 */
abstract class MllibTrainer implements Trainer {
  static final String ASSEMBLED = "_mllib_features";
  private static final String IMPUTED = "_imputed_";
  private static final String VALIDATION_FLAG = "_is_validation";
  private static final Set<String> WIRING = Set.of("featuresCol", "labelCol", "weightCol", "predictionCol",
      "probabilityCol", "rawPredictionCol", "thresholds", "validationIndicatorCol", "leafCol", "varianceCol",
      "lowerBoundsOnCoefficients", "upperBoundsOnCoefficients", "lowerBoundsOnIntercepts", "upperBoundsOnIntercepts");

  /** A fresh, unconfigured estimator for the task. */
  abstract Predictor<Vector, ?, ?> estimator(TaskKind task);

  abstract Set<TaskKind> tasks();

  /** Per-iteration metrics the fitted model can report on assembled rows; empty when it has none. */
  Map<String, List<Double>> curves(Model<?> model, Dataset<Row> training, Dataset<Row> validation) {
    return Map.of();
  }

  /** Per-feature importance by type; empty when the model has none. */
  abstract Map<String, Map<String, Double>> importance(Model<?> model, List<String> features);

  /** True when the estimator can stop early on flagged validation rows (GBT's validationIndicatorCol). */
  boolean stopsEarly() {
    return false;
  }

  @Override
  public void check(Map<String, Object> params, TaskKind task) {
    if (!tasks().contains(task)) {
      throw Errors.configInvalid("training.task", "algorithm " + algorithm() + " cannot do a " + task + " task; it does "
          + String.join(", ", tasks().stream().sorted().map(TaskKind::id).toList()));
    }
    EstimatorParams.apply(estimator(task), params, WIRING, Map.of(), algorithm());
  }

  /**
   * Spark's GBT stops at the first round whose validation loss improves by less than {@code validation_tol}
   * ({@code GradientBoostedTrees.boost}): a patience of one round on its own loss. Other MLlib estimators cannot
   * stop early.
   */
  @Override
  public void checkEarlyStopping(EarlyStoppingConfig earlyStopping, TaskKind task) {
    if (earlyStopping == null) {
      return;
    }
    if (!stopsEarly()) {
      throw Errors.configInvalid("training.early_stopping", "algorithm " + algorithm() + " cannot stop early; "
          + "remove early_stopping, or use xgboost or gbt");
    }
    if (earlyStopping.rounds() != 1) {
      throw Errors.configInvalid("training.early_stopping.rounds", "is " + earlyStopping.rounds() + ", but gbt "
          + "stops at the first round that does not improve its validation loss by validation_tol (Spark's rule); "
          + "set rounds: 1 and tune validation_tol in training.params, or use xgboost for a longer patience");
    }
    String loss = task == TaskKind.REGRESSION ? "rmse" : "logloss";
    if (earlyStopping.metric() != null && !earlyStopping.metric().equals(loss)) {
      throw Errors.configInvalid("training.early_stopping.metric", "is '" + earlyStopping.metric() + "', but gbt "
          + "stops on its own loss; remove metric or set it to " + loss);
    }
  }

  @Override
  public TrainedModel fit(TrainerInput input, Map<String, Object> params) {
    check(params, input.task());
    List<String> imputed = input.features().stream().map(f -> IMPUTED + f).toList();
    Imputer imputer = new Imputer().setStrategy("mean")
        .setInputCols(input.features().toArray(String[]::new)).setOutputCols(imputed.toArray(String[]::new));
    VectorAssembler assembler = new VectorAssembler().setInputCols(imputed.toArray(String[]::new))
        .setOutputCol(ASSEMBLED);
    PipelineModel prep = new Pipeline().setStages(new PipelineStage[] {imputer, assembler}).fit(input.training());
    Dataset<Row> training = prep.transform(input.training());
    Dataset<Row> validation = input.validation() == null ? null : prep.transform(input.validation());

    Predictor<Vector, ?, ?> estimator = estimator(input.task());
    EstimatorParams.apply(estimator, params, WIRING, Map.of(), algorithm());
    estimator.set(estimator.getParam("featuresCol"), ASSEMBLED);
    estimator.set(estimator.getParam("labelCol"), input.label());
    if (input.weightColumn() != null) {
      estimator.set(estimator.getParam("weightCol"), input.weightColumn());
    }
    Dataset<Row> fitOn = training;
    boolean earlyStopping = stopsEarly() && input.earlyStopping() != null && validation != null;
    if (earlyStopping) {
      estimator.set(estimator.getParam("validationIndicatorCol"), VALIDATION_FLAG);
      fitOn = training.withColumn(VALIDATION_FLAG, lit(false))
          .unionByName(validation.withColumn(VALIDATION_FLAG, lit(true)));
    }
    Model<?> model = (Model<?>) estimator.fit(fitOn);
    Transformer[] stages = {prep.stages()[0], prep.stages()[1], model};
    PipelineModel pipeline = new PipelineModel(Identifiable.randomUID("lakeforge_" + algorithm()), stages);
    Integer kept = rounds(model);
    Integer trained = kept;
    Integer best = null;
    int maxIter = kept == null ? 0 : ((Number) estimator.getOrDefault(estimator.getParam("maxIter"))).intValue();
    if (earlyStopping && kept != null && kept < maxIter) {
      // Spark's GradientBoostedTrees.boost stops at the first round that does not improve the validation loss by
      // validationTol and returns only the trees before it (baseLearners.slice(0, bestM)): one round more was
      // trained than is kept, and the model already ends at the best round.
      trained = kept + 1;
      best = kept - 1;
    }
    return new TrainedModel(pipeline, null, curves(model, training, validation), best, effective(estimator),
        importance(model, input.features()), trained, kept);
  }

  /** Boosting rounds in the fitted model (trees for GBT), or null for models without rounds. */
  Integer rounds(Model<?> model) {
    return null;
  }

  static Map<String, Double> byFeature(Vector values, List<String> features) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < features.size(); i++) {
      out.put(features.get(i), values.apply(i));
    }
    return out;
  }

  static List<Double> list(double[] values) {
    return java.util.Arrays.stream(values).boxed().toList();
  }

  private static Map<String, Object> effective(Predictor<?, ?, ?> estimator) {
    Map<String, Object> out = new TreeMap<>();
    for (ParamPair<?> pair : estimator.extractParamMap().toList()) {
      Object value = pair.value();
      if (!WIRING.contains(EstimatorParams.camel(pair.param().name()))
          && (value instanceof Number || value instanceof String || value instanceof Boolean)) {
        out.put(EstimatorParams.snake(pair.param().name()), value);
      }
    }
    return out;
  }
}
