package dev.lakeforge.features;

import static dev.lakeforge.features.FeatureFixtures.lines;
import static dev.lakeforge.features.FeatureFixtures.table;
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
import org.junit.jupiter.api.Test;

/**
 * Which row a lookup returns when several could: a late correction (same event time, created later) wins, a later
 * event time beats a later creation time, a ttl of zero is no limit and a row exactly ttl old still matches.
 */
class RecencyAndTtlTest {
  private static final String PIPELINE = ToyPipeline.around("rides", """
      feature_sets:
        driver_rows:
          source: silver.driver_stats
          entity: [driver_id]
          event_time: ts
          created_timestamp: created
          ttl: 0s
          features: [{name: rate_no_limit, expr: "value"}]
        driver_rows_1d:
          source: silver.driver_stats
          entity: [driver_id]
          event_time: ts
          created_timestamp: created
          ttl: 1d
          features: [{name: rate_1d, expr: "value"}]
      training_sets:
        orders:
          spine: {source: silver.orders, event_time: ts, keys: [order_id], label: "y"}
          features: []
          feature_sets: [driver_rows, driver_rows_1d]
      training: {split: {column: ts, validate_from: "2024-02-01"}}
      """);

  /** Driver 3: a correction of its 01-02 row arrives on 01-04. Driver 4: a late row for an earlier time. */
  private static final String STATS = "(3, '2024-01-02 00:00:00', '2024-01-02 00:00:00', 30), "
      + "(3, '2024-01-02 00:00:00', '2024-01-04 00:00:00', 31), "
      + "(4, '2024-01-03 00:00:00', '2024-01-02 00:00:00', 41), "
      + "(4, '2024-01-02 00:00:00', '2024-01-05 00:00:00', 40)";

  private static final String ORDERS = "(1, 3, '2024-01-03 00:00:00', 1), (2, 4, '2024-01-04 00:00:00', 0), "
      + "(3, 3, '2024-01-03 00:00:01', 1), (4, 3, '2024-03-01 00:00:00', 0), (5, 3, '2024-01-01 00:00:00', 1)";

  private static RunContext context(String yaml, String stats) {
    RunContext ctx = SharedSpark.context(yaml, "2024-03-01");
    ctx.lake().write(ctx.spark().sql("select driver_id, timestamp(ts) ts, timestamp(created) created, value "
        + "from values " + stats + " as t(driver_id, ts, created, value)"), TableWrite.overwrite(TableRef.parse("silver.driver_stats")));
    ctx.lake().write(ctx.spark().sql("select order_id, driver_id, timestamp(ts) ts, y from values " + ORDERS
        + " as t(order_id, driver_id, ts, y)"), TableWrite.overwrite(TableRef.parse("silver.orders")));
    return ctx;
  }

  @Test
  void theLatestCreatedRowWinsAtEqualTimeAndZeroTtlMeansNoLimit() {
    RunContext ctx = context(PIPELINE, STATS);
    StageResult features = ctx.runStage(new FeatureSetStage());
    assertEquals(1L, features.metrics().get("driver_rows.superseded_rows"));
    assertEquals("""
        [3,2024-01-02 00:00:00.0,31.0]
        [4,2024-01-02 00:00:00.0,40.0]
        [4,2024-01-03 00:00:00.0,41.0]""",
        lines(table(ctx, "features.driver_rows", "driver_id,ts", "driver_id", "ts", "rate_no_limit")));
    ctx.runStage(new TrainingSetStage());
    // 1: the correction (31), and the row exactly 1d old is inside ttl 1d. 2: 01-03's row beats 01-02's created
    // later. 3: one second past the 1d ttl: null there, but ttl 0s has no limit. 4: two months later, the same.
    // 5: before any row: null in both.
    assertEquals("""
        [1,31.0,31.0]
        [2,41.0,41.0]
        [3,31.0,null]
        [4,31.0,null]
        [5,null,null]""",
        lines(table(ctx, "training_sets.orders", "order_id", "order_id", "rate_no_limit", "rate_1d")));
  }

  @Test
  void rowsTiedOnTheirCreationTimeAreStillRefused() {
    RunContext ctx = context(PIPELINE, STATS.replace("'2024-01-04 00:00:00', 31", "'2024-01-02 00:00:00', 31"));
    LakeforgeException e = assertThrows(LakeforgeException.class,
        () -> ctx.runStage(new FeatureSetStage("driver_rows")));
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().contains("several rows for entity and time [3,2024-01-02 00:00:00.0] with the same "
        + "newest created (2 rows)"), e.getMessage());
  }

  @Test
  void withoutACreatedTimestampRepeatedEventsAreRefusedWithTheFix() {
    RunContext ctx = context(PIPELINE.replace("    created_timestamp: created\n    ttl: 0s\n", ""),
        STATS);
    LakeforgeException e = assertThrows(LakeforgeException.class,
        () -> ctx.runStage(new FeatureSetStage("driver_rows")));
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().contains("as the set's created_timestamp"), e.getMessage());
  }

  @Test
  void aCreatedTimestampOnAnAggregatingSetIsAConfigError() {
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> SharedSpark.context(PIPELINE.replace(
        "features: [{name: rate_no_limit, expr: \"value\"}]",
        "features: [{name: n_1d, aggregate: count, window: 1d}]"), "2024-03-01"));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("created_timestamp' applies to sets without aggregate features"),
        e.getMessage());
  }
}
