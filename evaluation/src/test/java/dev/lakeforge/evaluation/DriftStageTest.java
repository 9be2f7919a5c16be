package dev.lakeforge.evaluation;

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
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** A planted shift is detected; an unshifted batch from the same distribution is not. */
class DriftStageTest {
  static final String PIPELINE = ToyPipeline.withSources("shop", """
      sources: {orders: {format: parquet, path: "${TMP}/none"}}
      training: {split: {column: day, validate_from: "2026-11-02"}}
      drift:
        reference: features.orders
        reference_filter: "day < '2026-11-02'"
        current_filter: "day = '${run_date}'"
        numeric: [x]
        categorical: [shop]
        thresholds:
          psi: {warn: 0.1, fail: 0.25}
          ks: {fail: 0.1}
          chi_square_p: {fail: 0.001}
      """);

  static RunContext withOrders(String runDate) {
    RunContext ctx = SharedSpark.context(PIPELINE, runDate);
    // Day 1 (reference): x = 0..9999 uniform, shop cycles a,b,c,d. Day 2: the same. Day 3: x shifted by 3000 and
    // shop 'a' four times as common.
    Dataset<Row> day1 = ctx.spark().range(10_000).selectExpr("'2026-11-01' AS day", "CAST(id AS DOUBLE) AS x",
        "element_at(array('a','b','c','d'), CAST(id % 4 AS INT) + 1) AS shop");
    Dataset<Row> day2 = day1.selectExpr("'2026-11-02' AS day", "x", "shop");
    Dataset<Row> day3 = ctx.spark().range(10_000).selectExpr("'2026-11-03' AS day", "CAST(id + 3000 AS DOUBLE) AS x",
        "IF(id % 7 < 4, 'a', element_at(array('b','c','d'), CAST(id % 3 AS INT) + 1)) AS shop");
    ctx.lake().write(day1.unionByName(day2).unionByName(day3), TableWrite.overwrite(TableRef.parse("features.orders")));
    return ctx;
  }

  @Test
  void anUnshiftedDayPassesAndEveryResultIsRecorded() {
    RunContext ctx = withOrders("2026-11-02");
    StageResult result = ctx.runStage(new DriftStage());
    assertEquals(0.0, (Double) result.metrics().get("drift.x.psi"), 1e-9);
    assertEquals(0.0, (Double) result.metrics().get("drift.x.ks"), 1e-9);
    assertEquals(0.0, (Double) result.metrics().get("drift.x.wasserstein"), 1e-9);
    assertEquals(1.0, (Double) result.metrics().get("drift.shop.chi_square_p"), 1e-9);
    assertEquals(0L, result.metrics().get("drift.failures"));
    var recorded = ctx.lake().read(TableRef.parse("monitoring.drift")).rows();
    assertEquals(8, recorded.count(), "4 numeric + 4 categorical results");
    Row psi = recorded.filter("column_name = 'x' AND method = 'psi'").head();
    assertEquals("features.orders@v0", psi.getAs("reference"));
    assertEquals("ok", psi.getAs("status"));
  }

  @Test
  void aPlantedShiftFailsWithExit3AndNamesTheColumns() {
    RunContext ctx = withOrders("2026-11-03");
    var e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new DriftStage()));
    assertEquals(3, e.exitCode());
    // The failed run's manifest, saved by the runner, still records the results it wrote.
    assertEquals(List.of(ctx.lake().read(TableRef.parse("monitoring.drift")).version()),
        ctx.manifests().require(DriftStage.NAME, "test").writes());
    assertTrue(e.getMessage().contains("x psi = "), e.getMessage());
    assertTrue(e.getMessage().contains("x ks = 0.3000 crosses its fail level 0.1"), e.getMessage());
    assertTrue(e.getMessage().contains("shop chi_square_p"), e.getMessage());
    var recorded = ctx.lake().read(TableRef.parse("monitoring.drift")).rows();
    Row w = recorded.filter("column_name = 'x' AND method = 'wasserstein'").head();
    // Every value moved by 3000; the reference's standard deviation is 2886.9: about 1.04 standard deviations.
    assertEquals(3000 / 2886.8956, (Double) w.getAs("value"), 0.02);
  }

  /** The same checks against the stored statistics of the set's fit window (day 1) instead of its rows. */
  static RunContext withStoredStatistics(String runDate, String numeric) {
    RunContext ctx = withOrders(runDate);
    String pipeline = PIPELINE.replace("""
          reference: features.orders
          reference_filter: "day < '2026-11-02'"
        """, "  reference_statistics: features.orders\n").replace("  numeric: [x]\n  categorical: [shop]",
        "  numeric: [" + numeric + "]");
    RunContext stored = SharedSpark.context(pipeline.replace("${TMP}/lake", ctx.config().lake().root()), runDate);
    dev.lakeforge.features.FeatureStatistics.record(stored.lake(),
        new dev.lakeforge.core.table.TableVersion("features.orders", 0), 10_000, java.util.List.of("x"),
        new dev.lakeforge.features.FeatureTable.FitWindow("day", "2026-11-02"), java.util.Map.of());
    return stored;
  }

  @Test
  void storedStatisticsAreAReferenceWithoutReadingItsRows() {
    RunContext same = withStoredStatistics("2026-11-02", "x");
    Row stats = same.lake().read(TableRef.parse("features.orders_stats")).rows().head();
    assertEquals(10_000L, stats.<Long>getAs("rows"), "the fit window only: day 1");
    assertEquals("day < '2026-11-02'", stats.getAs("rows_where"));
    assertEquals(10_000L, stats.<scala.collection.Seq<Long>>getAs("bin_counts").toStream()
        .foldLeft(0L, (a, b) -> a + (Long) b));
    StageResult unshifted = same.runStage(new DriftStage());
    assertEquals(0.0, (Double) unshifted.metrics().get("drift.x.psi"), 1e-9);
    assertEquals(0.0, (Double) unshifted.metrics().get("drift.x.ks"), 1e-9);
    assertEquals(0.0, (Double) unshifted.metrics().get("drift.x.wasserstein"), 1e-9);

    RunContext shifted = withStoredStatistics("2026-11-03", "x");
    var e = assertThrows(LakeforgeException.class, () -> shifted.runStage(new DriftStage()));
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().contains("x ks = 0.3000 crosses its fail level 0.1"), e.getMessage());
    Row w = shifted.lake().read(TableRef.parse("monitoring.drift")).rows()
        .filter("column_name = 'x' AND method = 'wasserstein' AND run_date = '2026-11-03'").head();
    assertEquals("features.orders@v0", w.getAs("reference"));
    assertEquals(3000 / 2886.8956, (Double) w.getAs("value"), 0.15, "bin means approximate the shift");
  }

  @Test
  void aColumnWithoutStoredStatisticsIsNamed() {
    RunContext ctx = withStoredStatistics("2026-11-02", "x, y");
    var e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new DriftStage()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("column 'y' has no statistics in features.orders_stats for "
        + "features.orders@v0 (it has: x)"), e.getMessage());
  }
}
