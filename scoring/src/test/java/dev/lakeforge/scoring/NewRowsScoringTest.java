package dev.lakeforge.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lakeforge.core.config.ConfigLoader;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import dev.lakeforge.evaluation.EvaluateStage;
import dev.lakeforge.features.FeatureSetStage;
import dev.lakeforge.features.FeatureTable;
import dev.lakeforge.features.TrainingSetStage;
import dev.lakeforge.registry.RegisterStage;
import dev.lakeforge.training.TrainStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Train/serve parity (issue 21): rows of a training set version with their labels stripped, scored through the
 * new-rows input, get the training set's feature values and the probabilities of scoring the training-set rows.
 */
class NewRowsScoringTest {
  private static final String SECTIONS = """
      feature_sets:
        shop_history:
          source: silver.raw
          entity: [shop]
          event_time: ts
          ttl: 1d
          features:
            - {name: shop_rows_24h, aggregate: count, window: 24h}
            - {name: shop_late_24h, aggregate: mean, of: y, window: 24h, lag: 1h}
      training_sets:
        toy:
          spine: {source: silver.raw, keys: [id], event_time: ts, label: "y"}
          joins:
            - {table: silver.shops, on: {shop: shop}, columns: {region: region, shop_size: size}}
          features:
            - {name: hour, time_part: hour}
            - {name: x, expr: "x * 2"}
            - {name: shop_size, expr: "shop_size"}
            - {name: shop_index, index: shop}
            - {name: region_frequency, frequency: region}
            - {name: shop_rate, target_mean: shop, smoothing: 5}
            - {name: is, one_hot: shop, top: 2}
          feature_sets: [shop_history]
      training:
        split: {column: ts, validate_from: "2020-01-21"}
        params: {num_round: 10, max_depth: 3, eta: 0.3, seed: 7}
      """;

  @Test
  void unlabelledRowsGetTheTrainingSetsFeaturesAndProbabilitiesAndBadRowsAreQuarantined() throws Exception {
    String tracking = System.getenv("MLFLOW_TRACKING_URI");
    assumeTrue(tracking != null, "needs the MLflow server scripts/test.sh starts");
    String model = "new_rows_" + System.nanoTime();
    Path dir = Files.createTempDirectory("new-rows");
    String yaml = ToyPipeline.around("toy", SECTIONS)
        .replace("sources: {raw: {format: parquet, path: \"${TMP}/raw\"}}", """
            sources:
              raw: {format: parquet, path: "${TMP}/raw"}
              new_rows: {format: parquet, path: "${TMP}/new"}
              new_csv: {format: csv, path: "${TMP}/new.csv", options: {header: "true"}, schema: "id BIGINT, ts STRING, shop STRING, x DOUBLE"}
              empty_csv: {format: csv, path: "${TMP}/empty.csv", options: {header: "true"}, schema: "id BIGINT, ts TIMESTAMP, shop STRING, x DOUBLE"}""")
        .replace("http://127.0.0.1:1", tracking).replace("model_name: m", "model_name: " + model)
        .replace("${TMP}", dir.toString());
    RunContext ctx = SharedSpark.context(yaml, "2020-01-26");
    // 600 hourly rows from 2020-01-01 over four shops; the label leans on x and on the shop.
    Dataset<Row> raw = ctx.spark().range(600).selectExpr("id", "timestamp_seconds(1577836800 + id * 3600) AS ts",
        "element_at(array('a','b','c','d'), CAST(id % 4 AS INT) + 1) AS shop", "rand(3) AS x", "rand(4) AS u")
        .selectExpr("id", "ts", "shop", "x", "CAST(u < x * IF(shop = 'a', 1.5, 0.7) AS DOUBLE) AS y");
    ctx.lake().write(raw, TableWrite.overwrite(TableRef.parse("silver.raw")));
    ctx.lake().write(ctx.spark().sql("select * from values ('a', 'east', 3.0), ('b', 'east', 1.0), "
        + "('c', 'west', 2.0), ('d', 'north', 5.0) as t(shop, region, size)"), TableWrite.overwrite(TableRef.parse("silver.shops")));
    ctx.runStage(new FeatureSetStage("shop_history"));
    StageResult built = ctx.runStage(new TrainingSetStage());
    ctx.runStage(new TrainStage());
    ctx.runStage(new EvaluateStage());
    ctx.runStage(new RegisterStage(Optional.empty(), false));

    // The reference: the training set's own rows, scored as score always did (all 600 of them).
    StageResult fromTrainingSet = with(ctx, "scoring.where=id >= 0").runStage(new ScoreStage());
    assertEquals(600L, fromTrainingSet.metrics().get("rows_scored"));
    Map<Long, Double> expected = probabilities(ctx, model);

    // The same rows without the label, as a file of new rows, plus two that cannot be scored.
    raw.drop("y").unionByName(ctx.spark().sql("select 900L id, CAST(null AS TIMESTAMP) ts, 'a' shop, 0.5 x "
            + "union all select CAST(null AS BIGINT), timestamp'2020-01-25 10:00:00', 'b', 0.5"))
        .write().parquet(dir.resolve("new").toString());
    TableRef trainingSet = TableRef.parse(built.output(TrainingSetStage.TABLE));
    RunContext fresh = with(ctx, "scoring.input=new_rows");
    var features = NewRows.prepare(fresh, "new_rows", "toy", new TableVersion(trainingSet.table(),
        trainingSet.version()), null, fresh.result("score"));
    double maxFeatureDiff = maxDifference(ctx.lake().read(trainingSet).rows(), features.features(),
        FeatureTable.featureColumns(ctx.lake().read(trainingSet).rows().columns(),
            ctx.config().trainingSets().get("toy").spine()));
    features.features().unpersist();

    StageResult scored = fresh.runStage(new ScoreStage());
    Map<Long, Double> actual = probabilities(ctx, model);
    assertEquals(602L, scored.metrics().get("rows_in"));
    assertEquals(600L, scored.metrics().get("rows_scored"));
    assertEquals(2L, scored.metrics().get("rows_quarantined"));
    assertEquals(0L, scored.metrics().get("unseen_values"));
    assertEquals(expected.keySet(), actual.keySet());
    double maxProbabilityDiff = expected.keySet().stream()
        .mapToDouble(id -> Math.abs(expected.get(id) - actual.get(id))).max().orElseThrow();
    System.out.println("parity over 600 rows: max |feature difference| = " + maxFeatureDiff
        + ", max |probability difference| = " + maxProbabilityDiff);
    assertTrue(maxFeatureDiff <= 1e-9, "features differ by " + maxFeatureDiff);
    assertTrue(maxProbabilityDiff <= 1e-12, "probabilities differ by " + maxProbabilityDiff);
    List<String> reasons = ctx.lake().read(TableRef.parse("quarantine.new_rows")).rows()
        .orderBy("_reason").select("_reason").collectAsList().stream().map(r -> r.getString(0)).toList();
    assertEquals(List.of("present_id: id is null", "present_ts: ts is null"), reasons);

    // A CSV whose times do not parse, and a shop never seen: quarantined with the reason, and counted.
    Files.writeString(dir.resolve("new.csv"), "id,ts,shop,x\n1000,2020-01-25 20:00:00,zz,0.5\n"
        + "1001,not a time,a,0.5\n1002,2020-01-25 21:00:00,a,0.25\n");
    StageResult csv = with(ctx, "scoring.input=new_csv", "scoring.validation.max_quarantine_fraction=0.5")
        .runStage(new ScoreStage());
    assertEquals(3L, csv.metrics().get("rows_in"));
    assertEquals(2L, csv.metrics().get("rows_scored"));
    assertEquals(1L, csv.metrics().get("unseen.shop_index"));
    assertTrue(ctx.lake().read(TableRef.parse("quarantine.new_csv")).rows().first().<String>getAs("_reason")
        .startsWith("casts_ts: "));

    // A table lacking a column the features read: one line, exit 2, before any row is read.
    ctx.lake().write(raw.drop("y", "shop"), TableWrite.overwrite(TableRef.parse("silver.no_shop")));
    var missing = assertThrows(LakeforgeException.class,
        () -> with(ctx, "scoring.input=silver.no_shop").runStage(new ScoreStage()));
    assertEquals(2, missing.exitCode());
    assertTrue(missing.getMessage().contains("lack column shop"), missing.getMessage());

    // A file with no rows: exit 3, nothing scored.
    Files.writeString(dir.resolve("empty.csv"), "id,ts,shop,x\n");
    var empty = assertThrows(LakeforgeException.class,
        () -> with(ctx, "scoring.input=empty_csv").runStage(new ScoreStage()));
    assertEquals(3, empty.exitCode());
    assertTrue(empty.getMessage().contains("it has no rows"), empty.getMessage());
  }

  private static RunContext with(RunContext ctx, String... overrides) {
    return RunContext.create("run-" + System.nanoTime(), LocalDate.parse("2020-01-26"), "local",
        new ConfigLoader(Map.of()).loadPipeline(ctx.loaded().file(), List.of(overrides)), ctx.spark());
  }

  /** The run date's predictions by id. */
  private static Map<Long, Double> probabilities(RunContext ctx, String model) {
    Map<Long, Double> out = new TreeMap<>();
    for (Row r : ctx.lake().read(TableRef.parse("predictions." + model)).rows()
        .filter("run_date = '2020-01-26'").selectExpr("CAST(id AS BIGINT)", "probability").collectAsList()) {
      out.put(r.getLong(0), r.getDouble(1));
    }
    return out;
  }

  /** The largest difference of any feature of any row (a null on one side only counts as infinite). */
  private static double maxDifference(Dataset<Row> expected, Dataset<Row> actual, List<String> features) {
    Map<Long, Row> want = new TreeMap<>();
    expected.collectAsList().forEach(r -> want.put(((Number) r.getAs("id")).longValue(), r));
    Map<Long, Row> got = new TreeMap<>();
    actual.collectAsList().forEach(r -> got.put(((Number) r.getAs("id")).longValue(), r));
    assertEquals(want.keySet(), got.keySet());
    double max = 0;
    for (long id : want.keySet()) {
      for (String f : features) {
        Double a = want.get(id).getAs(f);
        Double b = got.get(id).getAs(f);
        max = Math.max(max, a == null && b == null ? 0 : a == null || b == null ? Double.POSITIVE_INFINITY
            : Math.abs(a - b));
      }
    }
    return max;
  }
}
