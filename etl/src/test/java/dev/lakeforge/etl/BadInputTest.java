package dev.lakeforge.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.testing.SharedSpark;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Inputs that break pipelines elsewhere: each ends in quarantine rows or one clear error with its exit code. */
class BadInputTest {
  RunContext trips(String csv) throws Exception {
    RunContext ctx = SharedSpark.context(EtlStagesTest.pipeline("1.0"), "2026-11-01");
    Files.writeString(Path.of(ctx.config().sources().get("trips").path()), csv);
    return ctx;
  }

  @Test
  void aTruncatedParquetFileIsExit2NamingTheFile() throws Exception {
    RunContext ctx = SharedSpark.context(EtlStagesTest.pipeline("1.0")
        .replace("format: csv", "format: parquet").replace("trips.csv", "trips.parquet"), "2026-11-01");
    Path dir = Path.of(ctx.config().sources().get("trips").path());
    ctx.spark().range(1000).selectExpr("cast(id as int) id", "'NYC' city", "cast(id as double) km")
        .coalesce(1).write().parquet(dir.toString());
    Path part = Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst()
        .orElseThrow();
    try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    var e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new IngestStage()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().startsWith("Cannot read source 'trips' at " + dir), e.getMessage());
    assertTrue(e.getMessage().contains("Fix: check the file, or re-fetch it"), e.getMessage());
  }

  @Test
  void aHeaderOnlyFileLoadsZeroRowsAndValidatesToEmptyTables() throws Exception {
    RunContext ctx = trips("id,city,km\n");
    StageResult in = ctx.runStage(new IngestStage());
    assertEquals(0L, in.metrics().get("trips.rows_in"));
    StageResult v = ctx.runStage(new ValidateStage());
    assertEquals(0L, v.metrics().get("trips.rows_kept"));
    assertEquals(0, ctx.lake().read(TableRef.parse("silver.trips")).rows().count());
  }

  @Test
  void unicodeAndExtremeNumbersAreJudgedNotDropped() throws Exception {
    RunContext ctx = trips("""
        id,city,km
        1,São,5
        2,東京,6
        3,NYC,1e308
        4,BOS,-0.0
        99999999999,CHI,1
        5,"LA, CA",7
        """);
    StageResult in = ctx.runStage(new IngestStage());
    // An id beyond INT is a malformed line, kept raw; the rest load.
    assertEquals(1L, in.metrics().get("trips.rows_malformed"));
    assertEquals(5L, in.metrics().get("trips.rows_bronze"));
    ctx.runStage(new ValidateStage());
    List<String> reasons = ctx.lake().read(TableRef.parse("quarantine.trips")).rows().orderBy("id")
        .collectAsList().stream().map(r -> r.<String>getAs(ValidateStage.REASON)).toList();
    assertEquals(List.of("city_code: city='São' does not match [A-Z]{3}",
        "city_code: city='東京' does not match [A-Z]{3}",
        "km_range: km=1.0E308 outside [0, 100]",
        "city_code: city='LA, CA' does not match [A-Z]{3}"), reasons);
    Row kept = ctx.lake().read(TableRef.parse("silver.trips")).rows().head();
    assertEquals(4, kept.<Integer>getAs("id"));
    Row raw = ctx.lake().read(TableRef.parse("quarantine.trips_raw")).rows().head();
    assertEquals("99999999999,CHI,1", raw.getAs("_raw_line"));
  }
}
