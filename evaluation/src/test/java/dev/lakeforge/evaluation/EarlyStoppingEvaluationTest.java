package dev.lakeforge.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.TrainStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 26, case 7: after early stopping, what evaluate scores is the best round's model, not the last round's.
 * The log loss evaluate reports must equal the best round's validation log loss in curves.json.
 */
class EarlyStoppingEvaluationTest {
  static final String PIPELINE = ToyPipeline.around("stopped", """
      training_sets:
        stopped:
          spine: {source: silver.raw, keys: [id], event_time: ts, label: "y"}
          features: [{name: a, expr: "a"}, {name: b, expr: "b"}, {name: c, expr: "c"}]
      training:
        algorithm: ALGORITHM
        split: {column: ts, validate_from: "2020-01-26"}
        params: PARAMS
        early_stopping: EARLY
      """);

  /** 800 hourly rows from 2020-01-01 (600 to train, 200 from Jan 26 to validate); y = a + N(0, 0.6) > 0.8. */
  static RunContext context(String algorithm, String params) throws Exception {
    Path dir = Files.createTempDirectory("lakeforge-stopped");
    // GBT's patience is Spark's: one round (MllibTrainer.checkEarlyStopping).
    String early = algorithm.equals("gbt") ? "{rounds: 1, metric: logloss}" : "{rounds: 15, metric: logloss}";
    RunContext ctx = SharedSpark.context(PIPELINE.replace("${TMP}", dir.toString())
        .replace("ALGORITHM", algorithm).replace("PARAMS", params).replace("EARLY", early), "2020-02-10");
    var rows = ctx.spark().range(800).selectExpr("id", "timestamp_seconds(1577836800 + id * 3600) AS ts",
        "rand(1) AS a", "rand(2) AS b", "rand(3) AS c", "randn(4) * 0.6 AS noise")
        .selectExpr("id", "ts", "a", "b", "c", "CAST(a + noise > 0.8 AS DOUBLE) AS label");
    ctx.lake().write(rows, TableWrite.overwrite(TableRef.parse("training_sets.stopped")));
    return ctx;
  }

  /** Trains, evaluates, and returns {evaluated log loss, best round's validation log loss, best iteration}. */
  static double[] evaluatedAndBest(String algorithm, String params, String curve) throws Exception {
    RunContext ctx = context(algorithm, params);
    StageResult trained = ctx.runStage(new TrainStage());
    ModelDirectory dir = new ModelDirectory(Path.of(trained.output(TrainStage.MODEL_DIR)));
    ModelDirectory.Info info = dir.info();
    int best = info.bestIteration();
    assertEquals(best + 1, info.roundsKept(), algorithm + ": the model ends at the best round");
    assertTrue(info.roundsTrained() > info.roundsKept(), algorithm + ": rounds after the best were trained");
    assertEquals(best, trained.metrics().get("best_iteration"));

    ctx.runStage(new EvaluateStage());
    Evaluation e = dir.readJson(ModelDirectory.EVALUATION, Evaluation.class);
    assertEquals(200.0, e.metrics().get("rows"));
    Map<String, List<Double>> curves = dir.readJson(ModelDirectory.CURVES, new TypeReference<>() {});
    return new double[] {e.metrics().get("log_loss"), curves.get(curve).get(best), best,
        curves.get(curve).get(curves.get(curve).size() - 1), info.roundsTrained()};
  }

  @Test
  void xgboostEvaluatesTheBestRoundNotTheLast() throws Exception {
    double[] r = evaluatedAndBest("xgboost", "{num_round: 300, max_depth: 6, eta: 0.3, seed: 3}",
        "validation-logloss");
    assertEquals(r[1], r[0], 1e-6, "evaluated log loss = best round's validation log loss (round " + r[2] + ")");
    assertEquals(r[2] + 16, r[4], "15 rounds without improvement after the best were trained");
    assertTrue(r[3] > r[1] + 1e-3, "the last round's " + r[3] + " is worse than the best's " + r[1]);
  }

  @Test
  void gbtEvaluatesTheBestRound() throws Exception {
    double[] r = evaluatedAndBest("gbt", "{max_iter: 300, max_depth: 2, step_size: 0.1, validation_tol: 0.0001, seed: 3}",
        "validation-log_loss");
    assertEquals(r[1], r[0], 1e-6, "evaluated log loss = best round's validation log loss (round " + r[2] + ")");
    assertEquals(r[2] + 2, r[4], "Spark stops at the first round that does not improve");
  }

  @Test
  void settingsGbtCannotHonourAreRefusedNotIgnored() throws Exception {
    RunContext ctx = context("gbt", "{max_depth: 2}");
    var longer = RunContext.create("r", ctx.runDate(), "local", new dev.lakeforge.core.config.ConfigLoader(Map.of())
        .loadPipeline(ctx.loaded().file(), List.of("training.early_stopping.rounds=15")), ctx.spark());
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> longer.runStage(new TrainStage()));
    assertEquals(ErrorKind.CONFIG, e.kind());
    assertTrue(e.getMessage().contains("training.early_stopping.rounds: is 15, but gbt stops at the first round that "
        + "does not improve its validation loss by validation_tol"), e.getMessage());
    var forest = RunContext.create("r", ctx.runDate(), "local", new dev.lakeforge.core.config.ConfigLoader(Map.of())
        .loadPipeline(ctx.loaded().file(), List.of("training.algorithm=random_forest")), ctx.spark());
    assertTrue(assertThrows(LakeforgeException.class, () -> forest.runStage(new TrainStage())).getMessage()
        .contains("algorithm random_forest cannot stop early"));
  }
}
