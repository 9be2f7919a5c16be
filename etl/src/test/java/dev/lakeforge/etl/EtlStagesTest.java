package dev.lakeforge.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class EtlStagesTest {
  static String pipeline(String maxFraction) {
    return ToyPipeline.withSources("trips", """
        sources:
          trips:
            format: csv
            path: "${TMP}/trips.csv"
            options: {header: "true"}
            schema: "id INT, city STRING, km DOUBLE"
        validation:
          trips:
            source: trips
            max_quarantine_fraction: %s
            rules:
              - {name: id_present, kind: not_null, column: id}
              - {name: km_range, kind: range, column: km, min: 0, max: 100}
              - {name: city_code, kind: regex, column: city, pattern: "[A-Z]{3}"}
              - {name: short_trip, kind: range, column: km, max: 50, severity: warn}
        training: {split: {column: id, validate_from: "5"}}
        """).formatted(maxFraction);
  }

  static final String CSV = """
      id,city,km
      1,NYC,10.5
      2,BOS,60
      3,sf,5
      4,LAX,-1
      ,SEA,3
      6,CHI,not-a-number
      7,DEN,7,extra
      8,ATL,100
      """;

  RunContext contextWithCsv(String maxFraction) throws Exception {
    RunContext ctx = SharedSpark.context(pipeline(maxFraction), "2026-11-01");
    Path csv = Path.of(ctx.config().sources().get("trips").path());
    Files.writeString(csv, CSV);
    return ctx;
  }

  @Test
  void ingestKeepsGoodLinesAndQuarantinesMalformedOnes() throws Exception {
    RunContext ctx = contextWithCsv("1.0");
    StageResult result = ctx.runStage(new IngestStage());
    assertEquals(6L, result.metrics().get("trips.rows_bronze"));
    assertEquals(2L, result.metrics().get("trips.rows_malformed"));
    assertEquals(8L, result.metrics().get("trips.rows_in"));
    List<Row> raw = ctx.lake().read(TableRef.parse("quarantine.trips_raw")).rows()
        .orderBy("_raw_line").collectAsList();
    assertEquals(List.of("6,CHI,not-a-number", "7,DEN,7,extra"),
        raw.stream().map(r -> r.getString(0)).collect(Collectors.toList()));
    Row bronze = ctx.lake().read(TableRef.parse("bronze.trips")).rows().filter("id = 1").head();
    assertEquals("test-run", bronze.getAs(IngestStage.BATCH_ID));
    assertEquals(java.sql.Date.valueOf("2026-11-01"), bronze.getAs(IngestStage.RUN_DATE), "a DATE, as in every table");
    assertTrue(bronze.<String>getAs(IngestStage.SOURCE_FILE).endsWith("trips.csv"));
  }

  @Test
  void validateSplitsRowsByErrorRulesAndCountsEveryRule() throws Exception {
    RunContext ctx = contextWithCsv("1.0");
    ctx.runStage(new IngestStage());
    StageResult result = ctx.runStage(new ValidateStage());
    // bronze has ids 1,2,3,4,null,8: 3 (pattern), 4 (range) and null id fail; 2 and 8 only warn.
    assertEquals(6L, result.metrics().get("trips.rows_in"));
    assertEquals(3L, result.metrics().get("trips.rows_kept"));
    assertEquals(3L, result.metrics().get("trips.rows_quarantined"));
    assertEquals(1L, result.metrics().get("trips.rule.id_present.failed"));
    assertEquals(1L, result.metrics().get("trips.rule.km_range.failed"));
    assertEquals(1L, result.metrics().get("trips.rule.city_code.failed"));
    assertEquals(2L, result.metrics().get("trips.rule.short_trip.failed"));
    List<Integer> kept = ctx.lake().read(TableRef.parse("silver.trips")).rows()
        .orderBy("id").collectAsList().stream().map(r -> r.<Integer>getAs("id")).toList();
    assertEquals(List.of(1, 2, 8), kept);
    List<String> reasons = ctx.lake().read(TableRef.parse("quarantine.trips")).rows()
        .orderBy("km").collectAsList().stream().map(r -> r.<String>getAs(ValidateStage.REASON)).toList();
    assertEquals(List.of("km_range: km=-1.0 outside [0, 100]", "id_present: id is null",
        "city_code: city='sf' does not match [A-Z]{3}"), reasons);
  }

  @Test
  void rerunForTheSameRunDateDoesNotDuplicateQuarantine() throws Exception {
    RunContext ctx = contextWithCsv("1.0");
    ctx.runStage(new IngestStage());
    ctx.runStage(new ValidateStage());
    ctx.runStage(new IngestStage());
    ctx.runStage(new ValidateStage());
    assertEquals(3, ctx.lake().read(TableRef.parse("quarantine.trips")).rows().count());
    assertEquals(3, ctx.lake().read(TableRef.parse("silver.trips")).rows().count());
    assertEquals(2, ctx.lake().read(TableRef.parse("quarantine.trips_raw")).rows().count());
  }

  @Test
  void tooManyQuarantinedRowsFailsTheGateWithExit3() throws Exception {
    RunContext ctx = contextWithCsv("0.1");
    ctx.runStage(new IngestStage());
    var e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new ValidateStage()));
    assertEquals(ErrorKind.DATA_QUALITY, e.kind());
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().contains("3 of 6 rows"), e.getMessage());
    assertTrue(!ctx.lake().exists(TableRef.parse("silver.trips")), "silver must not be published");
  }

  @Test
  void missingSourceFileIsAnInputError() {
    RunContext ctx = SharedSpark.context(pipeline("1.0"), "2026-11-01");
    var e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new IngestStage()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("trips.csv: it does not exist"), e.getMessage());
  }

  @Test
  void ruleOnUnknownColumnNamesTheColumn() throws Exception {
    RunContext base = contextWithCsv("1.0");
    base.runStage(new IngestStage());
    String yaml = pipeline("1.0").replace("column: city,", "column: town,");
    RunContext ctx = SharedSpark.context(yaml.replace("${TMP}", Path.of(base.config().lake().root()).getParent().toString()),
        "2026-11-01");
    var e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new ValidateStage()));
    assertTrue(e.getMessage().contains("column 'town' is not in bronze.trips"), e.getMessage());
  }

  @Test
  void aDroppedOrAddedSourceColumnFailsUnderSchemaPolicyFailAndAddedPassesUnderAddColumns() throws Exception {
    RunContext ctx = contextWithCsv("1.0");
    ctx.runStage(new IngestStage());
    String dir = Path.of(ctx.config().lake().root()).getParent().toString();
    String dropped = pipeline("1.0").replace("schema: \"id INT, city STRING, km DOUBLE\"",
        "schema: \"id INT, city STRING\"").replace("${TMP}", dir);
    var e = assertThrows(LakeforgeException.class,
        () -> SharedSpark.context(dropped, "2026-11-01").runStage(new IngestStage()));
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().contains("Cannot write bronze.trips: its schema changed (dropped km double)"),
        e.getMessage());

    String added = pipeline("1.0").replace("km DOUBLE\"", "km DOUBLE, note STRING\"").replace("${TMP}", dir);
    var e2 = assertThrows(LakeforgeException.class,
        () -> SharedSpark.context(added, "2026-11-01").runStage(new IngestStage()));
    assertTrue(e2.getMessage().contains("added note string"), e2.getMessage());

    String allowed = added.replace("schema: \"id INT", "schema_policy: add_columns\n    schema: \"id INT");
    SharedSpark.context(allowed, "2026-11-01").runStage(new IngestStage());
    var columns = List.of(ctx.lake().read(TableRef.parse("bronze.trips")).rows().columns());
    assertTrue(columns.contains("note"), columns.toString());
  }
}
