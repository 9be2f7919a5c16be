package dev.lakeforge.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.testing.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class FeaturesStageTest {
  static final String PIPELINE = """
      pipeline: toy
      lake: {root: "${TMP}/lake", state: "${TMP}/state", models: "${TMP}/models"}
      sources: {trips: {format: parquet, path: "${TMP}/raw"}}
      features:
        name: trips
        source: silver.trips
        event_time: ts
        keys: [id]
        label: "cast(delay > 15 as int)"
        features:
          - {name: hour, expr: "hour(ts)"}
          - {name: city_index, index: city}
      training: {split: {column: ts, validate_from: "2020-01-02"}}
      registry: {tracking_uri: "http://127.0.0.1:1", experiment: e, model_name: m}
      scoring: {output: "${TMP}/out"}
      """;

  static void silver(RunContext ctx, String values) {
    ctx.lake().overwrite(ctx.spark().sql("select id, timestamp(ts) ts, city, delay from values " + values
        + " as t(id, ts, city, delay)"), TableRef.parse("silver.trips"), ctx.commitMetadata("test"));
  }

  @Test
  void computesFeaturesAndKeepsCategoryIndexesStableAcrossRuns() {
    RunContext ctx = SharedSpark.context(PIPELINE, "2020-01-05");
    silver(ctx, "(1, '2020-01-01 08:30:00', 'BOS', 20), (2, '2020-01-01 09:00:00', 'NYC', 5), "
        + "(3, '2020-01-01 10:00:00', 'NYC', null), (4, '2020-01-01 11:00:00', null, 16)");
    var first = new FeaturesStage().run(ctx);
    assertEquals(4L, first.metrics().get("rows"));
    List<Row> rows = ctx.lake().read(TableRef.parse("features.trips"), "features").rows().orderBy("id").collectAsList();
    // NYC is most frequent, so index 0; BOS 1; a null category stays null (missing).
    assertEquals("[1,2020-01-01 08:30:00.0,8.0,1.0,1.0]", rows.get(0).toString());
    assertEquals("[2,2020-01-01 09:00:00.0,9.0,0.0,0.0]", rows.get(1).toString());
    assertEquals("[3,2020-01-01 10:00:00.0,10.0,0.0,null]", rows.get(2).toString());
    assertEquals("[4,2020-01-01 11:00:00.0,11.0,null,1.0]", rows.get(3).toString());

    // Next run: SEA appears many times, BOS is gone. Known indexes do not move; SEA gets the next one.
    silver(ctx, "(5, '2020-01-02 08:00:00', 'SEA', 0), (6, '2020-01-02 09:00:00', 'SEA', 0), "
        + "(7, '2020-01-02 10:00:00', 'SEA', 0), (8, '2020-01-02 11:00:00', 'NYC', 0)");
    new FeaturesStage().run(ctx);
    List<Row> next = ctx.lake().read(TableRef.parse("features.trips"), "features").rows().orderBy("id")
        .select("city_index").collectAsList();
    assertEquals(List.of(2.0, 2.0, 2.0, 0.0), next.stream().map(r -> r.getDouble(0)).toList());
  }

  @Test
  void badFeatureExpressionNamesTheProblem() {
    RunContext ctx = SharedSpark.context(PIPELINE.replace("hour(ts)", "hour(no_such_column)"), "2020-01-05");
    silver(ctx, "(1, '2020-01-01 08:30:00', 'BOS', 20)");
    var e = org.junit.jupiter.api.Assertions.assertThrows(LakeforgeException.class, () -> new FeaturesStage().run(ctx));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("no_such_column"), e.getMessage());
  }
}
