package dev.lakeforge.features;

import static dev.lakeforge.features.FeatureFixtures.EVENTS;
import static dev.lakeforge.features.FeatureFixtures.PIPELINE;
import static dev.lakeforge.features.FeatureFixtures.events;
import static dev.lakeforge.features.FeatureFixtures.lines;
import static dev.lakeforge.features.FeatureFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.testing.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class FeatureSetStageTest {
  private static final String[] AGGREGATES = {"user", "cast(ts as string)", "n_1h", "sum_24h", "mean_24h", "min_24h",
      "max_24h", "std_24h", "sum_24h_lag_1h"};

  @Test
  void windowAggregatesEqualHandComputedValuesStrictlyBeforeEachEvent() {
    RunContext ctx = SharedSpark.context(PIPELINE, "2020-01-05");
    events(ctx, EVENTS);
    ctx.runStage(new FeatureSetStage("user_history"));
    // One row per (user, time): the two 00:30 events are one row, and neither sees the other.
    // 02:00 sees 10, 20, 30 (sample stddev 10); a day later the 24h window [01-01 01:00, 01-02 01:00) holds only 40,
    // while the lagged window [01-01 00:00, 01-02 00:00) starts inclusive and holds 10 + 20 + 30 + 40.
    assertEquals("""
        [A,2020-01-01 00:00:00,0.0,null,null,null,null,null,null]
        [A,2020-01-01 00:30:00,1.0,10.0,10.0,10.0,10.0,null,null]
        [A,2020-01-01 02:00:00,0.0,60.0,20.0,10.0,30.0,10.0,60.0]
        [A,2020-01-02 01:00:00,0.0,40.0,40.0,40.0,40.0,null,100.0]
        [B,2020-01-01 01:00:00,0.0,null,null,null,null,null,null]""",
        lines(table(ctx, "features.user_history", "user,ts", AGGREGATES)));
  }

  @Test
  void aNanInputMakesOnlyTheWindowsThatHoldItNan() {
    RunContext ctx = SharedSpark.context(PIPELINE, "2020-01-05");
    events(ctx, "('A', '2020-01-01 00:00:00', CAST('NaN' AS DOUBLE)), ('A', '2020-01-01 12:00:00', 5.0), "
        + "('A', '2020-01-02 06:00:00', 2.0), ('A', '2020-01-02 18:00:00', 1.0)");
    ctx.runStage(new FeatureSetStage("user_history"));
    // 12:00's window holds the NaN; from 01-02 06:00 on it has left the 24h window, and the sums are finite again.
    assertEquals("""
        [2020-01-01 00:00:00,null,null]
        [2020-01-01 12:00:00,NaN,NaN]
        [2020-01-02 06:00:00,5.0,5.0]
        [2020-01-02 18:00:00,2.0,2.0]""",
        lines(table(ctx, "features.user_history", "ts", "cast(ts as string)", "sum_24h", "mean_24h")));
  }

  @Test
  void aPlantedFutureEventNeverChangesAnEarlierFeatureValue() {
    RunContext ctx = SharedSpark.context(PIPELINE, "2020-01-05");
    events(ctx, EVENTS);
    ctx.runStage(new FeatureSetStage("user_history"));
    List<Row> before = table(ctx, "features.user_history", "user,ts", AGGREGATES);

    events(ctx, EVENTS + ", ('A', '2020-01-02 01:00:00.000001', 1000000), ('B', '2020-01-03 00:00:00', 1000000)");
    ctx.runStage(new FeatureSetStage("user_history"));
    List<Row> after = table(ctx, "features.user_history", "user,ts", AGGREGATES);
    // Every earlier row is unchanged, even A's a microsecond before its planted event; only new rows appear.
    assertEquals(before.size() + 2, after.size());
    assertTrue(after.containsAll(before), () -> "changed:\n" + lines(before) + "\nvs\n" + lines(after));
  }

  @Test
  void eachVersionRecordsTheDefinitionHashAndPerFeatureStatistics() {
    RunContext ctx = SharedSpark.context(PIPELINE, "2020-01-05");
    events(ctx, EVENTS);
    var result = ctx.runStage(new FeatureSetStage("user_history"));
    assertEquals(5L, result.metrics().get("user_history.rows"));
    String metadata = FeatureFixtures.lastCommitMetadata(ctx, "features.user_history");
    assertTrue(metadata.contains("\"definition_hash\":\"" + FeatureTable.definitionHash(ctx, "feature_sets",
        "user_history") + "\""), metadata);
    long version = ctx.lake().resolveVersion(TableRef.parse("features.user_history"));
    List<Row> stats = table(ctx, "features.user_history_stats", "feature", "feature", "rows", "nulls", "mean",
        "min", "max", "table_version");
    assertEquals("[sum_24h,5,2,36.666666666666664,10.0,60.0," + version + "]", stats.stream()
        .filter(r -> r.getString(0).equals("sum_24h")).findFirst().orElseThrow().toString());
    assertEquals(8, stats.size());
    Row histogram = ctx.lake().read(TableRef.parse("features.user_history_stats")).rows()
        .filter("feature = 'sum_24h'").selectExpr("rows_where", "aggregate(bin_counts, 0L, (a, b) -> a + b)").head();
    assertEquals("ts < '2020-01-03'", histogram.getString(0), "statistics describe the fit window");
    assertEquals(3L, histogram.getLong(1), "the histogram counts the 3 non-null values");
  }

  @Test
  void nullEventTimesAreRefusedWithTheColumnAndExit3() {
    RunContext ctx = SharedSpark.context(PIPELINE, "2020-01-05");
    events(ctx, EVENTS + ", ('A', null, 1)");
    var e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new FeatureSetStage("user_history")));
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().contains("1 rows with a null event time 'ts'"), e.getMessage());
  }

  @Test
  void duplicateEntityAndTimeInARowFeatureSetIsRefused() {
    RunContext ctx = SharedSpark.context(PIPELINE, "2020-01-05");
    events(ctx, EVENTS);
    var e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new FeatureSetStage("user_rows")));
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().contains("several rows for entity and time [A,2020-01-01 00:30:00.0] (2 rows)"),
        e.getMessage());
  }

  @Test
  void anUnknownColumnOrAMissingEntityKeyNamesIt() {
    RunContext unknown = SharedSpark.context(PIPELINE.replace("of: amount, window: 24h}", "of: amont, window: 24h}"),
        "2020-01-05");
    events(unknown, EVENTS);
    var e = assertThrows(LakeforgeException.class, () -> unknown.runStage(new FeatureSetStage("user_history")));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("amont"), e.getMessage());

    RunContext noKey = SharedSpark.context(PIPELINE.replace("entity: [user]", "entity: [customer]"), "2020-01-05");
    events(noKey, EVENTS);
    e = assertThrows(LakeforgeException.class, () -> noKey.runStage(new FeatureSetStage("user_history")));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("column 'customer' is not in silver.events@v0"), e.getMessage());
  }
}
