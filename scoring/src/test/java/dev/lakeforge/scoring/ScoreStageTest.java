package dev.lakeforge.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import dev.lakeforge.evaluation.EvaluateStage;
import dev.lakeforge.registry.ModelAliases;
import dev.lakeforge.registry.RegisterStage;
import dev.lakeforge.training.TrainStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Batch scoring against the real MLflow server: the predictions table, its rerun, the export, shadow scoring. */
class ScoreStageTest {
  static final String PIPELINE = ToyPipeline.binary().params("{num_round: 10, max_depth: 3, eta: 0.3, seed: 7}")
      .evaluation("{gates: {auc_roc: {min: 0.6}}}").registry("TRACKING", "MODEL")
      .scoring("{output: \"${TMP}/exports\", export_format: csv, shadow_alias: challenger}").yaml();

  @Test
  void scoresADayIntoThePredictionsTableReplacesItOnRerunAndComparesTheShadow() throws Exception {
    String tracking = System.getenv("MLFLOW_TRACKING_URI");
    assumeTrue(tracking != null, "needs the MLflow server scripts/test.sh starts");
    String model = "score_test_" + System.nanoTime();
    RunContext ctx = SharedSpark.context(PIPELINE.replace("TRACKING", tracking).replace("MODEL", model),
        "2020-01-22");
    // 600 hourly rows from 2020-01-01; the run date 2020-01-22 has 24 of them.
    ToyPipeline.writeBinaryTrainingSet(ctx, "IF(id % 3 = 0, NULL, 0.0)", "CAST(u < x AS DOUBLE)");
    ctx.runStage(new TrainStage());
    ctx.runStage(new EvaluateStage());
    String version = ctx.runStage(new RegisterStage(Optional.empty(), false))
        .output(RegisterStage.MODEL_VERSION);

    StageResult first = ctx.runStage(new ScoreStage());
    assertEquals(24L, first.metrics().get("rows_scored"));
    assertTrue(first.output("shadow").contains("is not set"), "no challenger yet: " + first.output("shadow"));
    var table = ctx.lake().read(TableRef.parse("predictions." + model)).rows();
    assertEquals(List.of("shop", "ts", "prediction", "probability", "model_name", "model_version", "model_alias",
        "mlflow_run_id", "input_table", "scoring_run_id", "scored_at", "run_date"), List.of(table.columns()));
    Row row = table.first();
    assertEquals(version, row.getAs("model_version"));
    assertEquals("champion", row.getAs("model_alias"));
    assertEquals("training_sets.toy@v0", row.getAs("input_table"));

    // The same model as challenger: the shadow agrees everywhere. A rerun replaces the day's partition.
    new ModelAliases(new MlflowClient(ctx.config().registry(), Map.of()), model).set("challenger", version, true);
    StageResult again = ctx.runStage(new ScoreStage(Optional.of("models:/" + model + "/" + version)));
    assertEquals(24L, ctx.lake().read(TableRef.parse("predictions." + model)).rows().count(),
        "rerun of the run date: replaced, not appended");
    assertEquals(1.0, (Double) again.metrics().get("shadow.agreement"), 1e-12);
    assertEquals(0.0, (Double) again.metrics().get("shadow.mean_abs_diff"), 1e-12);
    Row shadow = ctx.lake().read(TableRef.parse("monitoring.shadow")).rows().first();
    assertEquals(24L, (Long) shadow.getAs("rows"));

    Path export = Path.of(again.output(ScoreStage.EXPORT));
    try (var files = Files.list(export)) {
      Path csv = files.filter(p -> p.toString().endsWith(".csv")).findFirst().orElseThrow();
      assertTrue(Files.readAllLines(csv).get(0).startsWith("shop,ts,prediction,probability,model_name"));
    }
    try (var siblings = Files.list(export.getParent())) {
      assertEquals(List.of(export.getFileName().toString()), siblings.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".")).toList(), "no staging directory left behind");
    }

    // Any pinned input table and any predicate: shop 'a' in the first two days is 12 rows (every fourth hour).
    RunContext chosen = RunContext.create("where-run", ctx.runDate(), "local",
        new dev.lakeforge.core.config.ConfigLoader(Map.of()).loadPipeline(ctx.loaded().file(), List.of(
            "scoring.input=training_sets.toy@v0", "scoring.where=shop = 'a' AND ts < '2020-01-03'",
            "scoring.export_format=none")), ctx.spark());
    StageResult filtered = chosen.runStage(new ScoreStage());
    assertEquals(12L, filtered.metrics().get("rows_scored"));
    assertEquals(null, filtered.outputs().get(ScoreStage.EXPORT), "export_format none: the table only");

    LakeforgeException unknown = assertThrows(LakeforgeException.class,
        () -> ctx.runStage(new ScoreStage(Optional.of("models:/" + model + "@nope"))));
    assertEquals(ErrorKind.USAGE, unknown.kind());
    assertTrue(unknown.getMessage().contains("has no model '" + model + "' with alias 'nope'"), unknown.getMessage());
  }

  @Test
  void aKeyWithASpaceReachesThePredictionsAndTheParquetExportByName() throws Exception {
    String tracking = System.getenv("MLFLOW_TRACKING_URI");
    assumeTrue(tracking != null, "needs the MLflow server scripts/test.sh starts");
    String model = "score_names_" + System.nanoTime();
    RunContext ctx = SharedSpark.context(PIPELINE.replace("TRACKING", tracking).replace("MODEL", model)
        .replace("keys: [shop]", "keys: [\"shop id\"]")
        .replace("export_format: csv, shadow_alias: challenger", "export_format: parquet"), "2020-01-22");
    var rows = ctx.spark().range(600).selectExpr("timestamp_seconds(1577836800 + id * 3600) AS ts",
        "concat('s', id % 4) AS `shop id`", "rand(3) AS x", "rand(5) AS z", "rand(4) AS u")
        .selectExpr("ts", "`shop id`", "x", "z", "CAST(u < x AS DOUBLE) AS label");
    ctx.lake().write(rows, TableWrite.overwrite(TableRef.parse("training_sets.toy")));
    ctx.runStage(new TrainStage());
    ctx.runStage(new EvaluateStage());
    ctx.runStage(new RegisterStage(Optional.empty(), false));

    StageResult scored = ctx.runStage(new ScoreStage());
    assertEquals(24L, scored.metrics().get("rows_scored"));
    var export = ctx.spark().read().parquet(scored.output(ScoreStage.EXPORT));
    assertEquals(List.of("shop id", "ts", "prediction"), List.of(export.columns()).subList(0, 3));
    assertEquals(List.of("s0", "s1", "s2", "s3"), export.selectExpr("`shop id`").distinct().orderBy("shop id")
        .collectAsList().stream().map(r -> r.getString(0)).toList());

    // Issue 26 case 8 for scoring.where: the name needs backticks, and Spark's parse error says where it broke.
    RunContext unquoted = RunContext.create("where-run", ctx.runDate(), "local",
        new dev.lakeforge.core.config.ConfigLoader(Map.of()).loadPipeline(ctx.loaded().file(), List.of(
            "scoring.where=shop id = 's1'")), ctx.spark());
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> unquoted.runStage(new ScoreStage()));
    assertEquals(2, e.exitCode(), e.getMessage());
    assertTrue(e.getMessage().contains("[PARSE_SYNTAX_ERROR] Syntax error at or near '='"), e.getMessage());
  }

  /** The day's predictions by event time. */
  static Map<String, Double> predictions(RunContext ctx, String model) {
    Map<String, Double> out = new TreeMap<>();
    for (Row r : ctx.lake().read(TableRef.parse("predictions." + model)).rows()
        .selectExpr("CAST(ts AS STRING)", "probability").collectAsList()) {
      out.put(r.getString(0), r.getDouble(1));
    }
    return out;
  }

  @Test
  void twoServersEachWithAV1OfTheSameNameScoreTheirOwnModelsFromOneCache() throws Exception {
    String direct = System.getenv("MLFLOW_TRACKING_URI");
    String proxied = System.getenv("MLFLOW_PREFIXED_TRACKING_URI");
    assumeTrue(direct != null && proxied != null, "needs both MLflow servers scripts/test.sh starts");
    String model = "two_servers_" + System.nanoTime();
    Path models = Files.createTempDirectory("shared-models");
    // Server one's model learns the label u < x, server two's (behind the /mlflow prefix) the opposite.
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(direct, "CAST(u < x AS DOUBLE)");
    labels.put(proxied, "CAST(u > x AS DOUBLE)");
    Map<String, RunContext> contexts = new LinkedHashMap<>();
    Map<String, Map<String, Double>> own = new LinkedHashMap<>();
    List<Path> trained = new ArrayList<>();
    for (var server : labels.entrySet()) {
      RunContext loaded = SharedSpark.context(PIPELINE.replace("TRACKING", server.getKey()).replace("MODEL", model)
          .replace("models: \"${TMP}/models\"", "models: \"" + models + "\""), "2020-01-22");
      RunContext ctx = RunContext.create("run-" + contexts.size(), loaded.runDate(), "local", loaded.loaded(),
          loaded.spark());
      ToyPipeline.writeBinaryTrainingSet(ctx, "IF(id % 3 = 0, NULL, 0.0)", server.getValue());
      StageResult train = ctx.runStage(new TrainStage());
      trained.add(Path.of(train.output(TrainStage.MODEL_DIR)));
      ctx.runStage(new EvaluateStage());
      StageResult registered = ctx.runStage(new RegisterStage(Optional.empty(), false));
      assertEquals("1", registered.output(RegisterStage.MODEL_VERSION), "each server's first version");
      assertEquals("champion", registered.output("alias"));
      // Scored from the trained directory the run names: each server's own predictions.
      assertEquals(24L, ctx.runStage(new ScoreStage()).metrics().get("rows_scored"));
      own.put(server.getKey(), predictions(ctx, model));
      contexts.put(server.getKey(), ctx);
    }
    Map<String, Double> one = own.get(direct);
    Map<String, Double> two = own.get(proxied);
    assertEquals(one.keySet(), two.keySet());
    String hour = one.keySet().iterator().next();
    assertTrue(Math.abs(one.get(hour) - two.get(hour)) > 0.1, "different models: " + one.get(hour) + " vs "
        + two.get(hour));

    // As on a machine without the trained directories: both come from the registry, into one cache directory.
    for (Path dir : trained) {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    for (String server : List.of(direct, proxied, direct, proxied)) {
      StageResult scored = contexts.get(server).runStage(new ScoreStage());
      assertEquals(24L, scored.metrics().get("rows_scored"));
      assertEquals(own.get(server), predictions(contexts.get(server), model), "the predictions of " + server);
    }
    try (var cached = Files.list(models.resolve("toy").resolve("registry"))) {
      assertEquals(2, cached.filter(p -> p.getFileName().toString().startsWith(model + "-v1-")).count(),
          "one copy per server");
    }
  }
}
