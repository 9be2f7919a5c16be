package dev.lakeforge.training;

import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakeforge.core.config.SpineConfig;
import dev.lakeforge.core.config.TrainingConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.VersionedFrame;
import dev.lakeforge.features.FeatureTable;
import dev.lakeforge.features.TrainingSetStage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.XGBoostError;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassificationModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassifier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.collection.JavaConverters;

/**
 * Trains an XGBoost classifier (xgboost4j-spark) on the rows before the split time and writes the
 * {@link ModelDirectory}. Features go in as one dense vector so a real 0 stays 0 and a null is NaN (missing).
 */
public final class TrainStage implements Stage {
  public static final String NAME = "train";
  public static final String MODEL_DIR = "model_dir";
  public static final String TRAINING_SET = "training_set";
  /** The assembled input column; not a feature name users can collide with. */
  public static final String FEATURE_VECTOR = "_features";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    TrainingConfig training = context.config().training();
    String trainingSet = TrainingSetStage.trainingSetName(context.config());
    SpineConfig spine = context.config().trainingSets().get(trainingSet).spine();
    StageResult.Builder result = context.result(NAME);
    VersionedFrame table = context.lake().read(FeatureTable.trainingSet(trainingSet), TrainingSetStage.NAME);
    result.read(table.version());
    List<String> features = FeatureTable.featureColumns(table.rows().columns(), spine);
    Dataset<Row> rows = TimeSplit.training(withFeatureVector(table.rows(), features), training.split())
        .filter(col(FeatureTable.LABEL).isNotNull());

    XGBoostClassifier classifier = classifier(training, context.profile());
    // Not setFeaturesCol(String[]): xgboost4j-spark 3.4.0 then fills rawPrediction from the first input column
    // and derives a wrong probability from it (seen here; the vector path is correct).
    classifier.setFeaturesCol(FEATURE_VECTOR);
    classifier.setLabelCol(FeatureTable.LABEL);
    XGBoostClassificationModel model = classifier.fit(rows);

    Path dir = Path.of(context.config().lake().models(), context.config().pipeline(), context.runIdForPaths());
    ModelDirectory out = new ModelDirectory(dir);
    save(model, out, features);
    long trainingRows = rows.count();
    Map<String, String> split = new LinkedHashMap<>();
    split.put("column", training.split().column());
    split.put("validate_from", training.split().validateFrom());
    split.put("validate_until", training.split().validateUntil());
    out.writeJson(ModelDirectory.INFO, new ModelDirectory.Info(training.algorithm(), features, FeatureTable.LABEL,
        spine.eventTime(), table.version().toString(), effectiveParams(training), split, trainingRows, context.runId(),
        context.configHash()));
    return result.metric("training_rows", trainingRows)
        .output(MODEL_DIR, dir.toAbsolutePath().toString())
        .output(TRAINING_SET, table.version().toString())
        .build();
  }

  /**
   * Adds {@link #FEATURE_VECTOR}: the features in model order as a dense vector, null as NaN (XGBoost's missing).
   * array_to_vector always builds dense vectors, unlike VectorAssembler, whose sparse output would turn 0 into
   * missing.
   */
  public static Dataset<Row> withFeatureVector(Dataset<Row> rows, List<String> features) {
    Column[] values = features.stream()
        .map(f -> coalesce(col(f).cast("double"), lit(Double.NaN)))
        .toArray(Column[]::new);
    return rows.withColumn(FEATURE_VECTOR, array_to_vector(array(values)));
  }

  static Map<String, Object> effectiveParams(TrainingConfig training) {
    Map<String, Object> params = new HashMap<>(training.params());
    params.putIfAbsent("objective", "binary:logistic");
    params.putIfAbsent("tree_method", "hist");
    params.putIfAbsent("device", "cpu");
    params.putIfAbsent("verbosity", 0);
    params.put("num_workers", training.workers());
    params.put("nthread", training.threadsPerWorker());
    return params;
  }

  private static XGBoostClassifier classifier(TrainingConfig training, String profile) {
    Map<String, Object> params = effectiveParams(training);
    if ("cuda".equals(params.get("device")) && !"gpu".equals(profile)) {
      throw Errors.usage("Cannot train with device=cuda under profile '" + profile + "'",
          "use --profile gpu on GPU executors, or set training.params.device=cpu");
    }
    var scalaParams = JavaConverters.mapAsScalaMapConverter(params).asScala()
        .toMap(scala.Predef.<scala.Tuple2<String, Object>>$conforms());
    return new XGBoostClassifier(scalaParams);
  }

  private static void save(XGBoostClassificationModel model, ModelDirectory out, List<String> features) {
    try {
      Files.createDirectories(out.root());
      model.write().overwrite().save(out.sparkModel().toString());
      var booster = model.nativeBooster();
      Files.write(out.file(ModelDirectory.BOOSTER_UBJ), booster.toByteArray("ubj"));
      Files.write(out.file(ModelDirectory.BOOSTER_JSON), booster.toByteArray("json"));
      Map<String, Map<String, Double>> importance = new LinkedHashMap<>();
      for (String type : List.of("gain", "weight", "cover")) {
        Map<String, Double> scores = new LinkedHashMap<>();
        JavaConverters.mapAsJavaMap(booster.getScore(features.toArray(String[]::new), type))
            .forEach((k, v) -> scores.put(k, ((Number) v).doubleValue()));
        importance.put(type, scores);
      }
      out.writeJson(ModelDirectory.IMPORTANCE, importance);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write model to " + out.root(), e);
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost could not serialize the booster: " + e.getMessage(), e);
    }
  }
}
