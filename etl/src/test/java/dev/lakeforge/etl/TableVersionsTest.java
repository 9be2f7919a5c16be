package dev.lakeforge.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.TableHistory;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableTags;
import dev.lakeforge.core.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableVersionsTest {
  @Test
  void versionsCanBePinnedByNumberTimeAndTagAndHistoryNamesTheRuns() throws Exception {
    RunContext ctx = SharedSpark.context(EtlStagesTest.pipeline("1.0"), "2026-11-01");
    Path csv = Path.of(ctx.config().sources().get("trips").path());
    Files.writeString(csv, EtlStagesTest.CSV);
    ctx.runStage(new IngestStage());
    Thread.sleep(1500);
    String between = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC)
        .format(Instant.now());
    Thread.sleep(1500);
    Files.writeString(csv, EtlStagesTest.CSV + "9,BOS,12\n10,NYC,13\n");
    ctx.runStage(new IngestStage());

    new TableTags(ctx.lake()).tag(TableRef.parse("bronze.trips@v0"), "golden", "first load");
    assertEquals(6, ctx.lake().read(TableRef.parse("bronze.trips@tag:golden")).rows().count());
    assertEquals(0, ctx.lake().resolveVersion(TableRef.parse("bronze.trips@" + between)));
    assertEquals(1, ctx.lake().resolveVersion(TableRef.parse("bronze.trips")));
    assertEquals(8, ctx.lake().read(TableRef.parse("bronze.trips@v1")).rows().count());

    List<TableHistory.Entry> history = TableHistory.of(ctx.lake(), TableRef.parse("bronze.trips"));
    assertEquals(2, history.size());
    assertEquals(new TableHistory.Entry(1, history.get(1).timestamp(), "WRITE", "test-run", "2026-11-01", "ingest",
        8L), history.get(1));

    var missing = assertThrows(LakeforgeException.class,
        () -> ctx.lake().read(TableRef.parse("bronze.trips@tag:nope")));
    assertTrue(missing.getMessage().contains("no tag 'nope' was recorded for bronze.trips"), missing.getMessage());
    var tooNew = assertThrows(LakeforgeException.class,
        () -> ctx.lake().read(TableRef.parse("bronze.trips@v9")));
    assertTrue(tooNew.getMessage().contains("the latest version is v1"), tooNew.getMessage());
    var tooOld = assertThrows(LakeforgeException.class,
        () -> ctx.lake().read(TableRef.parse("bronze.trips@2001-01-01")));
    assertEquals(2, tooOld.exitCode());
  }

  @Test
  void referencesThatCouldEscapeTheLakeOrInjectSqlAreRejected() {
    for (String bad : List.of("silver.flights; DROP TABLE x", "../etc.passwd", "silver.fl`ights", "silver.x@tag:a b")) {
      var e = assertThrows(LakeforgeException.class, () -> TableRef.parse(bad));
      assertEquals(2, e.exitCode(), bad);
    }
  }

  @Test
  void profileHasExactCountsMomentsTopValuesAndHistogramsAndWritesJsonAndHtml() throws Exception {
    RunContext ctx = SharedSpark.context(EtlStagesTest.pipeline("1.0"), "2026-11-01");
    Files.writeString(Path.of(ctx.config().sources().get("trips").path()), EtlStagesTest.CSV);
    ctx.runStage(new IngestStage());
    TableProfiler profiler = new TableProfiler();
    TableProfiler.Profile p = profiler.run(ctx.lake(), TableRef.parse("bronze.trips@v0"));
    assertEquals(6, p.rows());
    TableProfiler.ColumnProfile km = p.columns().stream().filter(c -> c.name().equals("km")).findFirst().orElseThrow();
    // bronze km: 10.5, 60, 5, -1, 3, 100
    assertEquals(0, km.nulls());
    assertEquals(-1.0, km.min());
    assertEquals(100.0, km.max());
    assertEquals(177.5 / 6, km.mean(), 1e-9);
    assertEquals(6L, km.histogram().stream().mapToLong(b -> (Long) b.get("count")).sum());
    assertEquals(2L, km.histogram().get(0).get("count"), "-1 and 3 fall in [-1, 4.05), the first of 20 bins");
    assertEquals(1L, km.histogram().get(19).get("count"), "the maximum, 100, closes the last bin");
    TableProfiler.ColumnProfile id = p.columns().stream().filter(c -> c.name().equals("id")).findFirst().orElseThrow();
    assertEquals(1, id.nulls());
    TableProfiler.ColumnProfile city = p.columns().stream().filter(c -> c.name().equals("city")).findFirst()
        .orElseThrow();
    assertEquals(Map.of("value", "ATL", "count", 1L), city.topValues().get(0));
    Path html = profiler.write(p, Path.of(ctx.config().lake().state(), "profiles"));
    assertTrue(Files.readString(html).contains("<h1>bronze.trips @ v0</h1>"));
    assertTrue(Files.readString(html.resolveSibling("bronze.trips@v0.json")).contains("\"distinctApprox\""));
  }
}
