package dev.lakeforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.config.EarlyStoppingConfig;
import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class TrainersTest {
  /**
   * x uniform in [0, 1); z is 0 or null so zeros and missing values both occur; binary = x > 0.5, three classes by
   * thirds of x, a noise-free regression target 2x + 1 - 3w, and a noisy label (1 with probability x) that deep
   * trees overfit.
   */
  static Dataset<Row> rows(int n, int seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x = random.nextDouble();
      double w = random.nextDouble();
      Double z = i % 3 == 0 ? null : 0.0;
      double noisy = random.nextDouble() < x ? 1.0 : 0.0;
      rows.add(RowFactory.create(x, w, z, x > 0.5 ? 1.0 : 0.0, Math.floor(x * 3), 2 * x + 1 - 3 * w, noisy));
    }
    StructType schema = new StructType().add("x", DataTypes.DoubleType).add("w", DataTypes.DoubleType)
        .add("z", DataTypes.DoubleType).add("binary", DataTypes.DoubleType).add("klass", DataTypes.DoubleType)
        .add("target", DataTypes.DoubleType).add("noisy", DataTypes.DoubleType);
    return SharedSpark.get().createDataFrame(rows, schema);
  }

  static TrainerInput input(String label, TaskKind task, EarlyStoppingConfig stopping) {
    return new TrainerInput(rows(400, 1), rows(200, 2), List.of("x", "w", "z"), label, task, null, stopping, 1, 1,
        "cpu", false);
  }

  /** Share of validation rows whose predicted class equals the label. */
  static double accuracy(TrainedModel model, String label) {
    Dataset<Row> scored = SparkModels.transform(model.sparkModel(), rows(200, 2), List.of("x", "w", "z"));
    return scored.filter(scored.col("prediction").equalTo(scored.col(label))).count() / 200.0;
  }

  @Test
  void xgboostStopsEarlyAndKeepsBothCurves() {
    TrainedModel model = new XGBoostTrainer().fit(input("noisy", TaskKind.BINARY, new EarlyStoppingConfig(3, "logloss")),
        Map.of("num_round", 200, "max_depth", 6, "eta", 0.5, "seed", 7));
    List<Double> validation = model.curves().get("validation-logloss");
    assertNotNull(validation, "curves: " + model.curves().keySet());
    assertEquals(model.curves().get("train-logloss").size(), validation.size());
    assertTrue(validation.size() < 200, "stopped early after " + validation.size() + " rounds " + validation + " best " + model.bestIteration());
    assertNotNull(model.bestIteration());
    assertEquals(validation.size() - 4, model.bestIteration(), "best round, then 3 rounds without improvement");
    assertEquals(3, model.importance().size());
    assertTrue(model.importance().get("gain").get("x") > model.importance().get("gain").getOrDefault("z", 0.0));
  }

  /** Mean of −log p(label) over the validation rows, p from the Spark model's probability vector. */
  static double logLoss(TrainedModel model, String label) {
    Dataset<Row> scored = SparkModels.transform(model.sparkModel(), rows(200, 2), List.of("x", "w", "z"))
        .withColumn("p", org.apache.spark.ml.functions.vector_to_array(
            org.apache.spark.sql.functions.col("probability"), "float64"));
    return scored.selectExpr("avg(-ln(greatest(element_at(p, CAST(" + label + " AS INT) + 1), 1e-15)))")
        .first().getDouble(0);
  }

  @Test
  void xgboostKeepsOnlyTheRoundsUpToTheBestOne() throws Exception {
    TrainedModel model = new XGBoostTrainer().fit(input("noisy", TaskKind.BINARY, new EarlyStoppingConfig(3, "logloss")),
        Map.of("num_round", 200, "max_depth", 6, "eta", 0.5, "seed", 7));
    List<Double> validation = model.curves().get("validation-logloss");
    int best = model.bestIteration();
    assertEquals(validation.size(), model.roundsTrained());
    assertEquals(best + 1, model.roundsKept());
    assertEquals(best + 1, model.booster().getNumBoostedRound(), "the booster ends at the best round");
    assertEquals(validation.get(best), logLoss(model, "noisy"), 1e-6, "the model's log loss is the best round's");
    assertTrue(validation.get(validation.size() - 1) > validation.get(best) + 1e-4, "the dropped rounds were worse");

    // Saved and loaded, the Spark model and both native files hold the same cut booster.
    ModelDirectory dir = new ModelDirectory(java.nio.file.Files.createTempDirectory("stopped"));
    dir.save(model);
    for (String file : List.of(ModelDirectory.BOOSTER_UBJ, ModelDirectory.BOOSTER_JSON)) {
      var native_ = ml.dmlc.xgboost4j.scala.XGBoost.loadModel(dir.file(file).toString());
      assertEquals(best + 1, native_.getNumBoostedRound(), file);
      native_.dispose();
    }
    var loaded = (ml.dmlc.xgboost4j.scala.spark.XGBoostModel<?>) SparkModels.load(dir.sparkModel());
    assertEquals(best + 1, loaded.nativeBooster().getNumBoostedRound(), "spark/");
  }

  @Test
  void withoutEarlyStoppingXgboostKeepsEveryRoundEvenWhenAnEarlierOneValidatedBetter() throws Exception {
    // The same overfitting fit as above, with validation rows but no early stopping: xgboost4j still records
    // best_iteration, and the model must not be cut at it.
    TrainedModel model = new XGBoostTrainer().fit(input("noisy", TaskKind.BINARY, null),
        Map.of("num_round", 40, "max_depth", 6, "eta", 0.5, "seed", 7));
    List<Double> validation = model.curves().get("validation-logloss");
    assertEquals(40, validation.size());
    int bestRound = validation.indexOf(java.util.Collections.min(validation));
    assertTrue(bestRound < 39, "an earlier round validated better: " + validation);
    assertNull(model.bestIteration());
    assertEquals(40, model.roundsKept());
    assertEquals(40, model.booster().getNumBoostedRound());
    assertEquals(validation.get(39), logLoss(model, "noisy"), 1e-6, "the model is the last round's");
    assertNull(model.booster().getAttr("best_iteration"), "no best_iteration for Python's XGBClassifier to cut at");
    assertNull(model.booster().getAttr("best_score"));
  }

  @Test
  void withoutAnEvalMetricTheCurvesAreNamedAfterXgboostsDefaultForTheTask() {
    TrainedModel model = new XGBoostTrainer().fit(input("noisy", TaskKind.BINARY, null),
        Map.of("num_round", 5, "max_depth", 3, "seed", 7));
    assertEquals(java.util.Set.of("train-logloss", "validation-logloss"), model.curves().keySet());
    Dataset<Row> scored = SparkModels.transform(model.sparkModel(), rows(200, 2), List.of("x", "w", "z"))
        .withColumn("p", org.apache.spark.ml.functions.vector_to_array(
            org.apache.spark.sql.functions.col("probability"), "float64"));
    double logLoss = scored.selectExpr("avg(-(noisy * ln(element_at(p, 2)) + (1 - noisy) * ln(element_at(p, 1))))")
        .first().getDouble(0);
    assertEquals(logLoss, model.curves().get("validation-logloss").get(4), 1e-5);
  }

  @Test
  void multiclassXgboostIsCutAtTheBestRoundForEveryClass() {
    // Labels 0, 1, 2 from noisy thirds of x: three trees per round, so the cut is by round, not by tree.
    Dataset<Row> train = rows(400, 1).withColumn("noisy3", org.apache.spark.sql.functions.expr(
        "CAST(LEAST(2, GREATEST(0, FLOOR(x * 3 + (rand(5) - 0.5) * 2))) AS DOUBLE)"));
    Dataset<Row> valid = rows(200, 2).withColumn("noisy3", org.apache.spark.sql.functions.expr(
        "CAST(LEAST(2, GREATEST(0, FLOOR(x * 3 + (rand(6) - 0.5) * 2))) AS DOUBLE)")).cache();
    TrainerInput in = new TrainerInput(train, valid, List.of("x", "w", "z"), "noisy3", TaskKind.MULTICLASS, null,
        new EarlyStoppingConfig(3, "mlogloss"), 1, 1, "cpu", false);
    TrainedModel model = new XGBoostTrainer().fit(in, Map.of("num_round", 200, "max_depth", 6, "eta", 0.5, "seed", 7));
    List<Double> validation = model.curves().get("validation-mlogloss");
    int best = model.bestIteration();
    assertTrue(best + 1 < validation.size(), "stopped early: " + validation);
    assertEquals(best + 1, model.booster().getNumBoostedRound());
    Dataset<Row> scored = SparkModels.transform(model.sparkModel(), valid, List.of("x", "w", "z"))
        .withColumn("p", org.apache.spark.ml.functions.vector_to_array(
            org.apache.spark.sql.functions.col("probability"), "float64"));
    double logLoss = scored.selectExpr("avg(-ln(greatest(element_at(p, CAST(noisy3 AS INT) + 1), 1e-15)))")
        .first().getDouble(0);
    assertEquals(validation.get(best), logLoss, 1e-6);
    valid.unpersist();
  }

  @Test
  void gbtStopsEarlyKeepingTheBestTreesAndCurvesInLogLoss() {
    TrainedModel model = new GbtTrainer().fit(input("noisy", TaskKind.BINARY, new EarlyStoppingConfig(3, null)),
        Map.of("max_iter", 100, "max_depth", 5, "step_size", 0.5, "seed", 7));
    List<Double> validation = model.curves().get("validation-log_loss");
    assertTrue(model.roundsKept() < 100, "stopped early: " + validation);
    assertEquals(model.roundsKept() + 1, model.roundsTrained(), "Spark trains one round past the best");
    assertEquals(model.roundsKept() - 1, model.bestIteration());
    assertEquals(model.roundsKept(), validation.size(), "Spark returns only the kept trees");
    assertEquals(validation.get(model.bestIteration()), logLoss(model, "noisy"), 1e-6,
        "the curve is the log loss of the model's probability, at the best (last kept) round");
  }

  @Test
  void everyClassifierLearnsTheThresholdAndTakesMissingValues() {
    for (Trainer trainer : List.of(new XGBoostTrainer(), new GbtTrainer(), new RandomForestTrainer(),
        new LogisticRegressionTrainer())) {
      TrainedModel model = trainer.fit(input("binary", TaskKind.BINARY, null), Map.of());
      assertTrue(accuracy(model, "binary") >= 0.95, trainer.algorithm() + ": " + accuracy(model, "binary"));
      assertEquals(trainer instanceof XGBoostTrainer, model.booster() != null, trainer.algorithm());
      assertTrue(model.sparkModel() instanceof PipelineModel || model.booster() != null);
    }
  }

  @Test
  void multiclassAndRegression() {
    for (Trainer trainer : List.of(new XGBoostTrainer(), new RandomForestTrainer(), new LogisticRegressionTrainer())) {
      TrainedModel model = trainer.fit(input("klass", TaskKind.MULTICLASS, null), Map.of());
      assertTrue(accuracy(model, "klass") >= 0.9, trainer.algorithm() + ": " + accuracy(model, "klass"));
    }
    TrainedModel linear = new LinearRegressionTrainer().fit(input("target", TaskKind.REGRESSION, null), Map.of());
    var fitted = (LinearRegressionModel) ((PipelineModel) linear.sparkModel()).stages()[2];
    // Noise-free 2x + 1 - 3w: the exact coefficients, and 0 for z (imputed constant).
    assertEquals(2.0, fitted.coefficients().apply(0), 1e-6);
    assertEquals(-3.0, fitted.coefficients().apply(1), 1e-6);
    assertEquals(1.0, fitted.intercept(), 1e-6);
    assertEquals(2.0, linear.importance().get("coefficient").get("x"), 1e-6);
    TrainedModel boosted = new XGBoostTrainer().fit(input("target", TaskKind.REGRESSION, null), Map.of("num_round", 200));
    Dataset<Row> scored = SparkModels.transform(boosted.sparkModel(), rows(200, 2), List.of("x", "w", "z"));
    double rmse = Math.sqrt(scored.selectExpr("avg(pow(prediction - target, 2))").first().getDouble(0));
    assertTrue(rmse < 0.1, "rmse " + rmse);
  }

  @Test
  void aSavedMulticlassXgboostModelLoadsWithItsClassCount() throws Exception {
    TrainedModel model = new XGBoostTrainer().fit(input("klass", TaskKind.MULTICLASS, null), Map.of());
    ModelDirectory dir = new ModelDirectory(java.nio.file.Files.createTempDirectory("multiclass"));
    dir.save(model);
    var loaded = SparkModels.load(dir.sparkModel());
    List<String> features = List.of("x", "w", "z");
    List<Row> before = SparkModels.transform(model.sparkModel(), rows(50, 2), features)
        .select(org.apache.spark.sql.functions.col("prediction"), org.apache.spark.ml.functions.vector_to_array(
            org.apache.spark.sql.functions.col("probability"), "float64")).collectAsList();
    List<Row> after = SparkModels.transform(loaded, rows(50, 2), features)
        .select(org.apache.spark.sql.functions.col("prediction"), org.apache.spark.ml.functions.vector_to_array(
            org.apache.spark.sql.functions.col("probability"), "float64")).collectAsList();
    assertEquals(3, after.get(0).getList(1).size(), "three class probabilities, not two");
    assertEquals(before, after, "the loaded model predicts what the trained one did");
  }

  @Test
  void gbtKeepsLossPerIteration() {
    TrainedModel model = new GbtTrainer().fit(input("binary", TaskKind.BINARY, null), Map.of("max_iter", 5));
    assertEquals(5, model.curves().get("train-log_loss").size());
    assertEquals(5, model.curves().get("validation-log_loss").size());
    assertTrue(model.curves().get("train-log_loss").get(4) < model.curves().get("train-log_loss").get(0));
    assertNull(model.bestIteration());
    assertEquals(5, model.roundsKept());
    assertEquals(5, model.roundsTrained());
    assertEquals(model.curves().get("validation-log_loss").get(4), logLoss(model, "binary"), 1e-6);
    assertEquals(5, model.params().get("max_iter"));
  }

  @Test
  void badParamsNameTheParamBeforeAnyData() {
    var unknown = assertThrows(LakeforgeException.class,
        () -> new XGBoostTrainer().check(Map.of("max_dept", 3), TaskKind.BINARY));
    assertEquals(2, unknown.kind().exitCode());
    assertTrue(unknown.getMessage().contains("'max_dept' is not a parameter of xgboost; known: "), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("max_depth"), unknown.getMessage());
    var range = assertThrows(LakeforgeException.class, () -> new XGBoostTrainer().check(Map.of("eta", -0.1), TaskKind.BINARY));
    assertTrue(range.getMessage().contains("training.params.eta") && range.getMessage().contains("out of range"),
        range.getMessage());
    var type = assertThrows(LakeforgeException.class, () -> new GbtTrainer().check(Map.of("max_depth", "deep"), TaskKind.BINARY));
    assertTrue(type.getMessage().contains("training.params.max_depth") && type.getMessage().contains("expects a number"),
        type.getMessage());
    var fraction = assertThrows(LakeforgeException.class, () -> new GbtTrainer().check(Map.of("max_iter", 2.5), TaskKind.BINARY));
    assertTrue(fraction.getMessage().contains("expects an integer"), fraction.getMessage());
    var wiring = assertThrows(LakeforgeException.class,
        () -> new XGBoostTrainer().check(Map.of("label_col", "y"), TaskKind.BINARY));
    assertTrue(wiring.getMessage().contains("'label_col' is not a parameter"), wiring.getMessage());
    var task = assertThrows(LakeforgeException.class, () -> new GbtTrainer().check(Map.of(), TaskKind.MULTICLASS));
    assertTrue(task.getMessage().contains("gbt cannot do a multiclass task; it does binary, regression"),
        task.getMessage());
    var algorithm = assertThrows(LakeforgeException.class, () -> Trainers.forAlgorithm("svm"));
    assertTrue(algorithm.getMessage().contains("'svm' is not a trainer; known: xgboost, gbt"), algorithm.getMessage());
    new XGBoostTrainer().check(Map.of("max_bin", 64, "scale_pos_weight", "auto", "eval_metric", "auc"), TaskKind.BINARY);
  }

  @Test
  void balancedWeightsEqualiseTheClasses() {
    Dataset<Row> rows = rows(400, 1);
    var counts = ClassBalance.counts(rows, "binary");
    Dataset<Row> weighted = ClassBalance.withBalancedWeights(rows, "binary", counts);
    List<Row> totals = weighted.groupBy("binary").sum(ClassBalance.WEIGHT).orderBy("binary").collectAsList();
    assertEquals(200.0, totals.get(0).getDouble(1), 1e-9);
    assertEquals(200.0, totals.get(1).getDouble(1), 1e-9);
    assertEquals((double) counts.get(0.0) / counts.get(1.0), ClassBalance.negativesPerPositive(rows, "binary"), 1e-12);
  }
}
