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
import java.nio.file.Files;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Issue 26, case 9: drift on a batch of two rows is "insufficient data" (stored, warned about, exit 0), not a PSI
 * of 4.8 that fails the stage.
 */
class DriftMinRowsTest {
  static final String PIPELINE = ToyPipeline.around("tiny", """
      training: {split: {column: day, validate_from: "2026-11-01"}}
      drift:
        reference: features.orders
        reference_filter: "day < '2026-11-01'"
        current_filter: "day = '${run_date}'"
        numeric: [x]
        categorical: [shop]
        thresholds:
          psi: {warn: 0.1, fail: 0.25}
        MIN_ROWS
      """);

  /** Two rows a day for 300 days before 2026-11-01 and on it: x uniform in [0, 1), shop a, b, c or d. */
  static RunContext twoRowsADay(String minRows) throws Exception {
    String tmp = Files.createTempDirectory("lakeforge-tiny").toString();
    RunContext ctx = SharedSpark.context(PIPELINE.replace("${TMP}", tmp).replace("MIN_ROWS", minRows), "2026-11-01");
    var rows = ctx.spark().range(602).selectExpr("CAST(date_add('2026-11-01', CAST(id / 2 AS INT) - 300) AS STRING) "
        + "AS day", "rand(7) AS x", "element_at(array('a','b','c','d'), CAST(rand(8) * 4 AS INT) + 1) AS shop");
    ctx.lake().write(rows, TableWrite.overwrite(TableRef.parse("features.orders")));
    return ctx;
  }

  @Test
  void twoRowsAreInsufficientDataNeitherPassNorFail() throws Exception {
    RunContext ctx = twoRowsADay("");
    StageResult result = ctx.runStage(new DriftStage()); // no exception: exit 0
    assertEquals(2L, result.metrics().get("drift.insufficient"), "x and shop");
    assertEquals(0L, result.metrics().get("drift.failures"));
    assertEquals(null, result.metrics().get("drift.x.psi"), "no distance reported");
    assertEquals("insufficient data for drift of x, shop: fewer than min_rows 100 values in features.orders@v0 or "
        + "the reference, so no distance was computed; neither passed nor failed (status 'insufficient' in "
        + "monitoring.drift)", result.output("warning"));
    List<Row> recorded = ctx.lake().read(TableRef.parse("monitoring.drift")).rows().collectAsList();
    assertEquals(8, recorded.size(), "every method of both columns is recorded");
    for (Row r : recorded) {
      assertEquals("insufficient", r.getAs("status"));
      assertTrue(r.isNullAt(r.fieldIndex("value")), "no value: " + r);
    }
  }

  // Issue 26 case 8 for the drift filters: Spark's parse error reaches the user, naming the setting.
  @Test
  void anUnparsableDriftFilterCarriesSparksMessage() throws Exception {
    RunContext ctx = twoRowsADay("");
    for (String key : List.of("drift.current_filter", "drift.reference_filter")) {
      RunContext bad = RunContext.create("r", ctx.runDate(), "local", new dev.lakeforge.core.config.ConfigLoader(
          java.util.Map.of()).loadPipeline(ctx.loaded().file(), List.of(key + "=Order Day $ = 1")), ctx.spark());
      LakeforgeException e = assertThrows(LakeforgeException.class, () -> bad.runStage(new DriftStage()));
      assertEquals(2, e.exitCode(), e.getMessage());
      assertTrue(e.getMessage().contains("[PARSE_SYNTAX_ERROR] Syntax error at or near '$'"), key + ": "
          + e.getMessage());
    }
  }

  @Test
  void minRowsDecides() throws Exception {
    // The same two rows with min_rows 2 are measured, and the meaningless PSI fails the stage as it used to.
    RunContext ctx = twoRowsADay("min_rows: 2");
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new DriftStage()));
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().contains("x psi = "), e.getMessage());
  }
}
