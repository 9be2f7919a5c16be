package dev.lakeforge.training;

import static org.apache.spark.sql.functions.col;

import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.error.Errors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ml.dmlc.xgboost4j.java.XGBoostError;
import ml.dmlc.xgboost4j.scala.Booster;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassificationModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassifier;
import ml.dmlc.xgboost4j.scala.spark.XGBoostModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostRegressionModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostRegressor;
import ml.dmlc.xgboost4j.scala.spark.XGBoostTrainingSummary;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;
import scala.collection.JavaConverters;

/**
 * XGBoost through xgboost4j-spark: binary (binary:logistic), multiclass (multi:softprob) and regression
 * (reg:squarederror). Missing values stay NaN, XGBoost's own missing. With validation rows it records both
 * curves per round and stops early when configured.
 */
public final class XGBoostTrainer implements Trainer {
  public static final String ALGORITHM = "xgboost";
  /** Set by Lakeforge from the training config and the hardware, never from params. */
  private static final Set<String> WIRING = Set.of("featuresCol", "featuresCols", "labelCol", "weightCol",
      "predictionCol", "probabilityCol", "rawPredictionCol", "leafPredictionCol", "contribPredictionCol",
      "baseMarginCol", "numWorkers", "nthread", "device", "numEarlyStoppingRounds", "featureNames", "featureTypes",
      "customObj", "customEval", "missing", "useExternalMemory", "thresholds", "groupCol", "validationIndicatorCol",
      "forceRepartition", "inferBatchSize", "rabitTrackerTimeout", "rabitTrackerHostIp", "rabitTrackerPort",
      "maxQuantileBatches", "minCachePageBytes", "cacheHostRatio");
  /** Native names whose Spark param is not the plain camelCase of the name. */
  private static final Map<String, String> ALIASES = Map.of();
  static final String AUTO = "auto";

  @Override
  public String algorithm() {
    return ALGORITHM;
  }

  @Override
  public String roundsParam() {
    return "num_round";
  }

  @Override
  public int defaultRounds() {
    return 100;
  }

  @Override
  public Dataset<Row> cacheLayout(Dataset<Row> rows, int workers) {
    return rows.repartition(workers);
  }

  @Override
  public void check(Map<String, Object> params, TaskKind task) {
    EstimatorParams.apply(estimator(task), withoutAuto(params), WIRING, ALIASES, ALGORITHM);
  }

  @Override
  public TrainedModel fit(TrainerInput input, Map<String, Object> params) {
    Params estimator = configure(input, params);
    @SuppressWarnings("unchecked")
    Model<?> model = ((Estimator<? extends Model<?>>) estimator).fit(prepare(input.training(), input));
    XGBoostModel<?> xgbModel = (XGBoostModel<?>) model;
    Booster booster = xgbModel.nativeBooster();
    int trained = rounds(booster);
    Map<String, List<Double>> curves = curves(xgbModel, estimator, trained, input.task());
    // xgboost4j 3.4 records best_iteration whenever there is a validation watch, early stopping or not; only with
    // early stopping is it ours to act on, otherwise the model keeps every round num_round asked for.
    boolean earlyStopping = input.earlyStopping() != null && input.validation() != null;
    Integer best = earlyStopping ? bestIteration(booster) : null;
    Booster kept = null;
    if (best != null && best + 1 < trained) {
      // Early stopping leaves the rounds after the best one in the booster; every consumer (evaluate, register,
      // score, the Spark-free scorer, pyfunc) gets the booster cut at the best round instead.
      kept = BoosterRounds.firstRounds(booster, best + 1);
    } else if (!earlyStopping && bestIteration(booster) != null) {
      // Python's XGBClassifier predicts with best_iteration + 1 rounds when the attribute is there.
      kept = BoosterRounds.withoutAttributes(booster, BoosterRounds.BEST_ROUND_ATTRIBUTES);
    }
    if (kept != null) {
      model = withBooster(xgbModel, kept);
      booster.dispose();
      booster = kept;
    }
    return new TrainedModel(model, booster, curves, best, effective(estimator), importance(booster, input.features()),
        trained, rounds(booster));
  }

  /** The same model (uid, params, summary) over another booster. */
  private static Model<?> withBooster(XGBoostModel<?> model, Booster booster) {
    Model<?> out = model instanceof XGBoostClassificationModel c
        ? new XGBoostClassificationModel(c.uid(), c.numClasses(), booster, c.summary())
        : new XGBoostRegressionModel(model.uid(), booster, model.summary());
    model.copyValues(out, ParamMap.empty());
    return out;
  }

  /** The estimator exactly as fit runs it; tests read the GPU configuration from it without a GPU. */
  Params configure(TrainerInput input, Map<String, Object> params) {
    Map<String, Object> resolved = new LinkedHashMap<>(params);
    if (AUTO.equals(resolved.get("scale_pos_weight"))) {
      resolved.put("scale_pos_weight", ClassBalance.negativesPerPositive(input.training(), input.label()));
    }
    if (input.earlyStopping() != null && input.earlyStopping().metric() != null) {
      resolved.putIfAbsent("eval_metric", input.earlyStopping().metric());
    }
    Params estimator = estimator(input.task());
    setDefaults(estimator, input);
    EstimatorParams.apply(estimator, resolved, WIRING, ALIASES, ALGORITHM);
    EstimatorParams.setOwn(estimator, "label_col", input.label());
    if (input.featureArray()) {
      EstimatorParams.setOwn(estimator, "features_cols", input.features().toArray(String[]::new));
    } else {
      // Not featuresCols on CPU: xgboost4j-spark 3.4.0 then fills rawPrediction from the first input column
      // and derives a wrong probability from it (seen here; the vector path is correct).
      EstimatorParams.setOwn(estimator, "features_col", SparkModels.FEATURE_VECTOR);
    }
    if (input.weightColumn() != null) {
      EstimatorParams.setOwn(estimator, "weight_col", input.weightColumn());
    }
    if (input.validation() != null) {
      setEvalDataset(estimator, prepare(input.validation(), input));
      if (input.earlyStopping() != null) {
        EstimatorParams.setOwn(estimator, "num_early_stopping_rounds", input.earlyStopping().rounds());
      }
    }
    return estimator;
  }

  private static Params estimator(TaskKind task) {
    return task == TaskKind.REGRESSION ? new XGBoostRegressor() : new XGBoostClassifier();
  }

  private static void setDefaults(Params estimator, TrainerInput input) {
    EstimatorParams.setOwn(estimator, "objective", switch (input.task()) {
      case MULTICLASS -> "multi:softprob";
      case REGRESSION -> "reg:squarederror";
      default -> "binary:logistic";
    });
    EstimatorParams.setOwn(estimator, "tree_method", "hist");
    EstimatorParams.setOwn(estimator, "verbosity", 0);
    EstimatorParams.setOwn(estimator, "num_workers", input.workers());
    EstimatorParams.setOwn(estimator, "nthread", input.threadsPerWorker());
    EstimatorParams.setOwn(estimator, "device", input.device());
  }

  private static Dataset<Row> prepare(Dataset<Row> rows, TrainerInput input) {
    if (!input.featureArray()) {
      return SparkModels.withFeatureVector(rows, input.features());
    }
    Dataset<Row> out = rows;
    for (String feature : input.features()) {
      out = out.withColumn(feature, ColumnNames.column(feature).cast("float"));
    }
    return out;
  }

  private static void setEvalDataset(Params estimator, Dataset<Row> validation) {
    if (estimator instanceof XGBoostClassifier c) {
      c.setEvalDataset(validation);
    } else {
      ((XGBoostRegressor) estimator).setEvalDataset(validation);
    }
  }

  private static Map<String, Object> withoutAuto(Map<String, Object> params) {
    Map<String, Object> out = new LinkedHashMap<>(params);
    out.computeIfPresent("scale_pos_weight", (k, v) -> AUTO.equals(v) ? 1.0 : v);
    return out;
  }

  /** Rounds actually boosted: the summary's arrays are sized for num_round and end in zeros after early stopping. */
  private static int rounds(Booster booster) {
    return (int) booster.getNumBoostedRound();
  }

  /**
   * The per-round curves, named {@code train-<metric>} and {@code validation-<metric>}; without an eval_metric,
   * the metric XGBoost picks for the objective (its parameter docs: logloss, mlogloss, rmse).
   */
  private static Map<String, List<Double>> curves(XGBoostModel<?> model, Params estimator, int rounds,
      TaskKind task) {
    Map<String, List<Double>> curves = new LinkedHashMap<>();
    if (model.summary().isEmpty()) {
      return curves;
    }
    Param<Object> evalMetric = estimator.getParam(EstimatorParams.sparkName(estimator, "eval_metric", ALIASES));
    String metric = estimator.isDefined(evalMetric) ? String.valueOf(estimator.getOrDefault(evalMetric))
        : switch (task) {
          case MULTICLASS -> "mlogloss";
          case REGRESSION -> "rmse";
          default -> "logloss";
        };
    XGBoostTrainingSummary summary = model.summary().get();
    curves.put("train-" + metric, doubles(summary.trainObjectiveHistory(), rounds));
    for (Tuple2<String, float[]> named : JavaConverters.seqAsJavaList(summary.validationObjectiveHistory())) {
      curves.put("validation-" + metric, doubles(named._2(), rounds));
    }
    return curves;
  }

  private static List<Double> doubles(float[] values, int rounds) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < Math.min(values.length, rounds); i++) {
      out.add((double) values[i]);
    }
    return out;
  }

  /** The 0-based best round early stopping recorded (XGBoost's best_iteration attribute), or null. */
  private static Integer bestIteration(Booster booster) {
    try {
      String best = booster.getAttr("best_iteration");
      return best == null ? null : Integer.valueOf(best);
    } catch (XGBoostError e) {
      return null;
    }
  }

  private static Map<String, Object> effective(Params estimator) {
    Map<String, Object> out = new java.util.TreeMap<>();
    for (ParamPair<?> pair : estimator.extractParamMap().toList()) {
      Param<?> param = pair.param();
      String camel = EstimatorParams.camel(param.name());
      if (!WIRING.contains(camel) || Set.of("numWorkers", "nthread", "device").contains(camel)) {
        Object value = pair.value();
        if (value instanceof Number || value instanceof String || value instanceof Boolean) {
          out.put(EstimatorParams.snake(param.name()), value);
        }
      }
    }
    return out;
  }

  private static Map<String, Map<String, Double>> importance(Booster booster, List<String> features) {
    Map<String, Map<String, Double>> importance = new LinkedHashMap<>();
    try {
      for (String type : List.of("gain", "weight", "cover")) {
        Map<String, Double> scores = new LinkedHashMap<>();
        JavaConverters.mapAsJavaMap(booster.getScore(features.toArray(String[]::new), type))
            .forEach((k, v) -> scores.put(k, ((Number) v).doubleValue()));
        importance.put(type, scores);
      }
    } catch (XGBoostError e) {
      throw Errors.usage("Cannot read the booster's feature importance: " + e.getMessage(),
          "report this with the model directory; the booster itself was trained");
    }
    return importance;
  }
}
