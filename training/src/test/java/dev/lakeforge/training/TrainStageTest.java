package dev.lakeforge.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassificationModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class TrainStageTest {
  static final String PIPELINE = ToyPipeline.binary().keys(null).yaml();

  /** A toy feature table: label depends on x; z is 0 or null, so zeros and missing values both occur. */
  static void writeFeatures(RunContext ctx) {
    List<Row> rows = new ArrayList<>();
    Random random = new Random(3);
    for (int i = 0; i < 600; i++) {
      double x = random.nextDouble();
      Double z = i % 3 == 0 ? null : 0.0;
      rows.add(RowFactory.create(Timestamp.valueOf("2020-01-01 00:00:00").toInstant().plusSeconds(3600L * i)
          .toEpochMilli(), x, z, random.nextDouble() < x ? 1.0 : 0.0));
    }
    var schema = new StructType().add("ms", DataTypes.LongType).add("x", DataTypes.DoubleType)
        .add("z", DataTypes.DoubleType).add("label", DataTypes.DoubleType);
    var frame = SharedSpark.get().createDataFrame(rows, schema)
        .selectExpr("timestamp_millis(ms) as ts", "x", "z", "label");
    ctx.lake().write(frame, TableWrite.overwrite(TableRef.parse("training_sets.toy")));
  }

  @Test
  void trainsDeterministicallyAndSparkMatchesTheNativeBooster() throws Exception {
    RunContext ctx = SharedSpark.context(PIPELINE, "2020-02-01");
    writeFeatures(ctx);
    StageResult first = ctx.runStage(new TrainStage());
    StageResult second = RunContext.create("other-run", ctx.runDate(), "local", ctx.loaded(), ctx.spark())
        .runStage(new TrainStage());
    assertEquals(480L, first.metrics().get("training_rows"));
    assertEquals("training_sets.toy@v0", first.output(TrainStage.TRAINING_SET));
    ModelDirectory dir = new ModelDirectory(Path.of(first.output(TrainStage.MODEL_DIR)));
    ModelDirectory other = new ModelDirectory(Path.of(second.output(TrainStage.MODEL_DIR)));
    assertArrayEquals(Files.readAllBytes(Path.of(dir.file(ModelDirectory.BOOSTER_UBJ))),
        Files.readAllBytes(Path.of(other.file(ModelDirectory.BOOSTER_UBJ))),
        "same data, config and seed: same booster");
    assertEquals(List.of("x", "z"), dir.info().features());

    // Through SparkModels.load, as evaluate and score read it (on Spark 4 xgboost4j-spark's own reader cannot run)
    var model = (XGBoostClassificationModel) SparkModels.load(dir.sparkModel());
    List<Row> scored = model.transform(SparkModels.withFeatureVector(
            ctx.lake().read(TableRef.parse("training_sets.toy")).rows(), List.of("x", "z")))
        .select(org.apache.spark.sql.functions.col("x"), org.apache.spark.sql.functions.col("z"),
            org.apache.spark.ml.functions.vector_to_array(org.apache.spark.sql.functions.col("probability"), "float64")
                .getItem(1).as("p"))
        .orderBy("x").collectAsList();
    float[] matrix = new float[scored.size() * 2];
    for (int i = 0; i < scored.size(); i++) {
      matrix[2 * i] = (float) scored.get(i).getDouble(0);
      matrix[2 * i + 1] = scored.get(i).isNullAt(1) ? Float.NaN : (float) scored.get(i).getDouble(1);
    }
    Booster booster = XGBoost.loadModel(Files.readAllBytes(Path.of(dir.file(ModelDirectory.BOOSTER_UBJ))));
    float[][] nativePredictions = booster.predict(new DMatrix(matrix, scored.size(), 2, Float.NaN));
    for (int i = 0; i < scored.size(); i++) {
      double p = scored.get(i).getDouble(2);
      assertTrue(p >= 0 && p <= 1, "probability out of range: " + p);
      assertEquals(nativePredictions[i][0], p, 1e-6);
    }
  }

  @Test
  void anMllibAlgorithmTrainsThroughTheSameStageAndLoadsBackByItsMetadata() {
    RunContext ctx = SharedSpark.context(PIPELINE.replace("params: {num_round: 20, max_depth: 3, eta: 0.3, seed: 7}",
        "algorithm: random_forest\n  params: {num_trees: 10, max_depth: 3, seed: 7}"), "2020-02-01");
    writeFeatures(ctx);
    StageResult result = ctx.runStage(new TrainStage());
    ModelDirectory dir = new ModelDirectory(Path.of(result.output(TrainStage.MODEL_DIR)));
    assertEquals("random_forest", dir.info().algorithm());
    assertEquals(List.of("double", "double"), dir.info().featureTypes());
    assertEquals(10, dir.info().params().get("num_trees"));
    assertEquals(120L, dir.info().validationRows());
    assertTrue(!Files.exists(Path.of(dir.file(ModelDirectory.BOOSTER_UBJ))), "MLlib models have no booster");
    var rows = SparkModels.transform(SparkModels.load(dir.sparkModel()),
        ctx.lake().read(TableRef.parse("training_sets.toy")).rows(), List.of("x", "z"))
        .select(SparkModels.positiveProbability()).collectAsList();
    assertEquals(600, rows.size());
    assertTrue(rows.stream().allMatch(r -> r.getDouble(0) >= 0 && r.getDouble(0) <= 1));
  }

  @Test
  void rowsWithANullLabelAreLeftOutAndCountedInOneMetric() {
    String forest = PIPELINE.replace("params: {num_round: 20, max_depth: 3, eta: 0.3, seed: 7}",
        "algorithm: random_forest\n  params: {num_trees: 5, max_depth: 3, seed: 7}");
    for (String task : List.of("binary", "regression")) {
      RunContext ctx = SharedSpark.context(task.equals("binary") ? forest
          : forest.replace("algorithm: random_forest", "algorithm: random_forest\n  task: regression"), "2020-02-01");
      writeFeatures(ctx);
      // Every 10th row loses its label: 60 rows, 48 of them before validate_from (row 480 is 2020-01-21 00:00).
      var table = ctx.lake().read(TableRef.parse("training_sets.toy")).rows();
      ctx.lake().write(table.withColumn("label", org.apache.spark.sql.functions.expr(
          "if(cast(unix_timestamp(ts) / 3600 as long) % 10 = 0, null, label)")), TableWrite.overwrite(TableRef.parse("training_sets.toy")));
      StageResult result = ctx.runStage(new TrainStage());
      assertEquals(60L, result.metrics().get("unlabelled_rows"), task);
      ModelDirectory dir = new ModelDirectory(Path.of(result.output(TrainStage.MODEL_DIR)));
      assertEquals(480L - 48L, dir.info().trainingRows(), task);
      assertEquals(120L - 12L, dir.info().validationRows(), task);
    }
  }

  @Test
  void oneClassNoTrainingRowsAndInfiniteValuesAreRefusedByName() {
    RunContext ctx = SharedSpark.context(PIPELINE, "2020-02-01");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rows.add(RowFactory.create(Timestamp.valueOf("2020-01-01 00:00:00").toInstant().plusSeconds(3600L * i)
          .toEpochMilli(), i == 7 ? Double.POSITIVE_INFINITY : i / 50.0, 0.0, 0.0));
    }
    var schema = new StructType().add("ms", DataTypes.LongType).add("x", DataTypes.DoubleType)
        .add("z", DataTypes.DoubleType).add("label", DataTypes.DoubleType);
    var frame = SharedSpark.get().createDataFrame(rows, schema).selectExpr("timestamp_millis(ms) as ts", "x", "z", "label");
    ctx.lake().write(frame, TableWrite.overwrite(TableRef.parse("training_sets.toy")));
    var oneClass = assertThrows(LakeforgeException.class, () -> ctx.runStage(new TrainStage()));
    assertEquals(3, oneClass.kind().exitCode());
    assertTrue(oneClass.getMessage().contains("label 'label'") && oneClass.getMessage().contains("one class only (0.0)"),
        oneClass.getMessage());

    ctx.lake().write(frame.withColumn("label", org.apache.spark.sql.functions.expr("cast(x > 0.5 as double)")), TableWrite.overwrite(TableRef.parse("training_sets.toy")));
    var infinite = assertThrows(LakeforgeException.class, () -> ctx.runStage(new TrainStage()));
    assertTrue(infinite.getMessage().contains("has infinite values in x (1 rows)"), infinite.getMessage());

    RunContext early = SharedSpark.context(PIPELINE.replace("validate_from: \"2020-01-21\"",
        "validate_from: \"2019-01-01\""), "2020-02-01");
    early.lake().write(frame, TableWrite.overwrite(TableRef.parse("training_sets.toy")));
    var empty = assertThrows(LakeforgeException.class, () -> early.runStage(new TrainStage()));
    assertEquals(3, empty.kind().exitCode());
    assertTrue(empty.getMessage().contains("has no labelled rows in the training split (rows with ts < 2019-01-01)"),
        empty.getMessage());
  }
}
