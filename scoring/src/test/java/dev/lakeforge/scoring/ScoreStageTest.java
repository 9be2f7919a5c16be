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
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.evaluation.EvaluateStage;
import dev.lakeforge.registry.ModelAliases;
import dev.lakeforge.registry.RegisterStage;
import dev.lakeforge.training.TrainStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Batch scoring against the real MLflow server: the predictions table, its rerun, the export, shadow scoring. */
class ScoreStageTest {
  static final String PIPELINE = """
      pipeline: toy
      lake: {root: "${TMP}/lake", state: "${TMP}/state", models: "${TMP}/models"}
      sources: {raw: {format: parquet, path: "${TMP}/raw"}}
      training_sets:
        toy:
          spine: {source: silver.raw, keys: [shop], event_time: ts, label: "y"}
          features: [{name: x, expr: "x"}, {name: z, expr: "z"}]
      training:
        split: {column: ts, validate_from: "2020-01-21"}
        params: {num_round: 10, max_depth: 3, eta: 0.3, seed: 7}
      evaluation: {gates: {auc_roc: {min: 0.6}}}
      registry: {tracking_uri: "TRACKING", experiment: lakeforge-tests, model_name: MODEL}
      scoring: {output: "${TMP}/exports", export_format: csv, shadow_alias: challenger}
      """;

  @Test
  void scoresADayIntoThePredictionsTableReplacesItOnRerunAndComparesTheShadow() throws Exception {
    String tracking = System.getenv("MLFLOW_TRACKING_URI");
    assumeTrue(tracking != null, "needs the MLflow server scripts/test.sh starts");
    String model = "score_test_" + System.nanoTime();
    RunContext ctx = SharedSpark.context(PIPELINE.replace("TRACKING", tracking).replace("MODEL", model),
        "2020-01-22");
    // 600 hourly rows from 2020-01-01; the run date 2020-01-22 has 24 of them.
    var rows = ctx.spark().range(600).selectExpr("timestamp_seconds(1577836800 + id * 3600) AS ts",
        "element_at(array('a','b','c','d'), CAST(id % 4 AS INT) + 1) AS shop", "rand(3) AS x",
        "IF(id % 3 = 0, NULL, 0.0) AS z", "rand(4) AS u").selectExpr("ts", "shop", "x", "z",
        "CAST(u < x AS DOUBLE) AS label");
    ctx.lake().overwrite(rows, TableRef.parse("training_sets.toy"), ctx.commitMetadata("test"));
    ctx.manifests().save(new TrainStage().run(ctx));
    ctx.manifests().save(new EvaluateStage(Map.of()).run(ctx));
    String version = new RegisterStage(Optional.empty(), false, Map.of()).run(ctx)
        .output(RegisterStage.MODEL_VERSION);

    StageResult first = new ScoreStage(Map.of()).run(ctx);
    assertEquals(24L, first.metrics().get("rows_scored"));
    assertTrue(first.output("shadow").contains("is not set"), "no challenger yet: " + first.output("shadow"));
    var table = ctx.lake().read(TableRef.parse("predictions." + model), "score").rows();
    assertEquals(List.of("shop", "ts", "prediction", "probability", "model_name", "model_version", "model_alias",
        "mlflow_run_id", "input_table", "scoring_run_id", "scored_at", "run_date"), List.of(table.columns()));
    Row row = table.first();
    assertEquals(version, row.getAs("model_version"));
    assertEquals("champion", row.getAs("model_alias"));
    assertEquals("training_sets.toy@v0", row.getAs("input_table"));

    // The same model as challenger: the shadow agrees everywhere. A rerun replaces the day's partition.
    new ModelAliases(new MlflowClient(ctx.config().registry(), Map.of()), model).set("challenger", version, true);
    StageResult again = new ScoreStage(Map.of(), Optional.of("models:/" + model + "/" + version)).run(ctx);
    assertEquals(24L, ctx.lake().read(TableRef.parse("predictions." + model), "score").rows().count(),
        "rerun of the run date: replaced, not appended");
    assertEquals(1.0, (Double) again.metrics().get("shadow.agreement"), 1e-12);
    assertEquals(0.0, (Double) again.metrics().get("shadow.mean_abs_diff"), 1e-12);
    Row shadow = ctx.lake().read(TableRef.parse("monitoring.shadow"), "score").rows().first();
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
    StageResult filtered = new ScoreStage(Map.of()).run(chosen);
    assertEquals(12L, filtered.metrics().get("rows_scored"));
    assertEquals(null, filtered.outputs().get(ScoreStage.EXPORT), "export_format none: the table only");

    LakeforgeException unknown = assertThrows(LakeforgeException.class,
        () -> new ScoreStage(Map.of(), Optional.of("models:/" + model + "@nope")).run(ctx));
    assertEquals(ErrorKind.USAGE, unknown.kind());
    assertTrue(unknown.getMessage().contains("has no model '" + model + "' with alias 'nope'"), unknown.getMessage());
  }
}
