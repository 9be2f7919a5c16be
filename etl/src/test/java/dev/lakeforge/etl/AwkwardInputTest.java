package dev.lakeforge.etl;

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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Inputs users reported against the libraries underneath: column names that look like paths or SQL, null keys,
 * columns Spark cannot sort or hash, late corrections, and expressions Spark cannot parse. Each with its right value.
 */
class AwkwardInputTest {

  /** A pipeline with one source {@code s} (format, schema, file) and its validation section. */
  private static RunContext pipeline(String format, String schema, String file, String data, String validation,
      String runDate) throws Exception {
    String yaml = ToyPipeline.withSources("awkward", """
        sources:
          s:
            format: %s
            path: "${TMP}/%s"
            options: {header: "true"}
            schema: "%s"
        validation:
          s:
            source: s
            max_quarantine_fraction: 1.0
        %s
        training: {split: {column: id, validate_from: "5"}}
        """).formatted(format, file, schema.replace("\"", "\\\""), validation.indent(4).stripTrailing());
    RunContext ctx = SharedSpark.context(yaml, runDate);
    Files.writeString(Path.of(ctx.config().sources().get("s").path()), data);
    return ctx;
  }

  private static StageResult ingestAndValidate(RunContext ctx) {
    ctx.runStage(new IngestStage());
    return ctx.runStage(new ValidateStage());
  }

  private static List<String> rows(RunContext ctx, String table, String... columns) {
    return ctx.lake().read(TableRef.parse(table)).rows().selectExpr(columns).collectAsList().stream()
        .map(Row::toString).sorted().toList();
  }

  // Case 1: a column named like a struct path is one column, in rules and in the column metrics.
  @Test
  void aDottedColumnNameIsOneColumnEverywhere() throws Exception {
    String csv = "id,sensor.temp\nA1,21.5\nA2,19.0\nA3,250.0\n";
    RunContext ctx = pipeline("csv", "id STRING, `sensor.temp` DOUBLE", "s.csv", csv,
        "rules: [{name: id_present, kind: not_null, column: id}]", "2026-11-01");
    StageResult r = ingestAndValidate(ctx);
    assertEquals(3L, r.metrics().get("s.rows_kept"));
    var temp = new TableProfiler().run(ctx.lake(), TableRef.parse("silver.s")).columns().stream()
        .filter(c -> c.name().equals("sensor.temp")).findFirst().orElseThrow();
    assertEquals(List.of(19.0, 250.0), List.of(temp.min(), temp.max()));

    RunContext ranged = pipeline("csv", "id STRING, `sensor.temp` DOUBLE", "s.csv", csv,
        "rules: [{name: id_present, kind: not_null, column: id}, "
            + "{name: temp_plausible, kind: range, column: sensor.temp, max: 100}]", "2026-11-01");
    StageResult q = ingestAndValidate(ranged);
    assertEquals(2L, q.metrics().get("s.rows_kept"));
    assertEquals(List.of("[A3,temp_plausible: sensor.temp=250.0 outside [-, 100]]"),
        rows(ranged, "quarantine.s", "id", "_reason"));
  }

  // Sibling of case 1: names with $, #, non-ASCII letters, a leading digit and an SQL keyword, as keys and rules.
  @Test
  void namesThatAreNotIdentifiersWorkAsKeysRulesAndMetrics() throws Exception {
    String csv = "select,#n,温度,1st,a$b\nx,1,20.5,p,q\nx,2,21.0,p,q\ny,3,99.0,p,\n";
    RunContext ctx = pipeline("csv", "`select` STRING, `#n` INT, `温度` DOUBLE, `1st` STRING, `a$b` STRING",
        "s.csv", csv, """
            deduplicate: {keys: [select], order_by: ["#n desc"]}
            rules:
              - {name: warm, kind: range, column: 温度, max: 50}
              - {name: ab_set, kind: not_null, column: a$b}
              - {name: first_known, kind: allowed_values, column: 1st, values: [p]}
              - {name: by_first, kind: unique, columns: [1st, "#n"]}""", "2026-11-01");
    StageResult r = ingestAndValidate(ctx);
    assertEquals(3L, r.metrics().get("s.rows_in"));
    assertEquals(1L, r.metrics().get("s.duplicates_removed"));
    assertEquals(List.of("[x,2]"), rows(ctx, "silver.s", "`select`", "`#n`"));
    assertEquals(List.of("[y,warm,ab_set]"),
        rows(ctx, "quarantine.s", "`select`", "_failed_rules[0]", "_failed_rules[1]"));
  }

  // Case 2: null keys pass a uniqueness rule; only the BBB pair is quarantined.
  @Test
  void nullKeysPassAUniquenessRule() throws Exception {
    String csv = "code,name\nAAA,Alpha field\nBBB,Bravo field\nBBB,Bravo strip\n,Unnamed strip one\n"
        + ",Unnamed strip two\n";
    RunContext ctx = pipeline("csv", "code STRING, name STRING", "s.csv", csv,
        "rules: [{name: code_unique, kind: unique, columns: [code]}]", "2026-11-01");
    StageResult r = ingestAndValidate(ctx);
    assertEquals(2L, r.metrics().get("s.rows_quarantined"));
    assertEquals(3L, r.metrics().get("s.rows_kept"));
    assertEquals(List.of("[BBB,Bravo field]", "[BBB,Bravo strip]"), rows(ctx, "quarantine.s", "code", "name"));
  }

  // Sibling of case 2: two rows with a null key are not duplicates of each other, in deduplicate and composite keys.
  @Test
  void rowsWithANullKeyAreNobodysDuplicate() throws Exception {
    String csv = "code,part,name\nAAA,1,a\nAAA,1,b\n,1,c\n,1,d\nBBB,,e\nBBB,,f\n";
    RunContext ctx = pipeline("csv", "code STRING, part INT, name STRING", "s.csv", csv, """
        deduplicate: [code, part]
        rules: [{name: key_unique, kind: unique, columns: [code, part]}]""", "2026-11-01");
    StageResult r = ingestAndValidate(ctx);
    assertEquals(1L, r.metrics().get("s.duplicates_removed"));
    assertEquals(0L, r.metrics().get("s.rows_quarantined"));
    assertEquals(List.of("[AAA,a]", "[BBB,e]", "[BBB,f]", "[null,c]", "[null,d]"),
        rows(ctx, "silver.s", "code", "name"));
  }

  // The documented null semantics, per rule kind: a null passes every rule but not_null.
  @Test
  void aNullPassesEveryRuleButNotNull() throws Exception {
    String csv = "id,v,s\n1,,\n2,5,ok\n";
    RunContext ctx = pipeline("csv", "id INT, v DOUBLE, s STRING", "s.csv", csv, """
        rules:
          - {name: v_range, kind: range, column: v, min: 0, max: 10}
          - {name: v_outlier, kind: outlier, column: v}
          - {name: s_allowed, kind: allowed_values, column: s, values: [ok]}
          - {name: s_regex, kind: regex, column: s, pattern: "[a-z]+"}
          - {name: s_length, kind: length, column: s, min: 2}
          - {name: s_unique, kind: unique, columns: [s]}
          - {name: s_known, kind: referential, column: s, reference: silver.known, reference_column: s}
          - {name: v_expr, kind: expression, expression: "v > 1"}
          - {name: s_present, kind: not_null, column: s}""", "2026-11-01");
    ctx.runStage(new IngestStage());
    // The referential rule reads silver.known: give it the one known value first.
    ctx.lake().write(ctx.spark().sql("select 'ok' s"), TableWrite.overwrite(TableRef.parse("silver.known")));
    ctx.runStage(new ValidateStage());
    assertEquals(List.of("[1,s_present]"), rows(ctx, "quarantine.s", "id", "concat_ws(',', _failed_rules)"));
  }

  // Case 6: a MAP column does not break deduplication or the column metrics; the d1 kept is the documented one.
  @Test
  void aMapColumnDeduplicatesByItsJsonText() throws Exception {
    String json = """
        {"id":"d1","attrs":{"fw":"1.2","zone":"north"},"n":3}
        {"id":"d1","attrs":{"fw":"1.3","zone":"north"},"n":4}
        {"id":"d2","attrs":{"fw":"2.0"},"n":1}
        """;
    RunContext ctx = pipeline("json", "id STRING, attrs MAP<STRING, STRING>, n INT", "s.jsonl", json,
        "deduplicate: [id]\nrules: [{name: id_present, kind: not_null, column: id}]", "2026-11-01");
    StageResult r = ingestAndValidate(ctx);
    assertEquals(2L, r.metrics().get("s.rows_kept"));
    assertEquals(1L, r.metrics().get("s.duplicates_removed"));
    // Same batch, so the other columns decide in name order: attrs' JSON {"fw":"1.2",...} sorts first.
    assertEquals(List.of("[d1,1.2,3]", "[d2,2.0,1]"), rows(ctx, "silver.s", "id", "attrs['fw']", "n"));
    // The profile and the checksum read the map too.
    var attrs = new TableProfiler().run(ctx.lake(), TableRef.parse("silver.s")).columns().stream()
        .filter(c -> c.name().equals("attrs")).findFirst().orElseThrow();
    assertEquals(2L, attrs.distinctApprox());
    assertEquals(2L, dev.lakeforge.core.table.TableChecksum.of(ctx.lake(), TableRef.parse("silver.s"),
        java.util.Set.of(), false).rows());
  }

  // Sibling of case 6: arrays of maps, binary, high-precision decimals and timestamp_ntz in every column metric.
  @Test
  void unorderableAndUnusualTypesPassThroughValidation() throws Exception {
    String json = """
        {"id":"a","tags":[{"k":"v"}],"amount":"12345678901234567890.123456789012345678","seen":"2026-11-01T10:00:00"}
        {"id":"a","tags":[{"k":"w"}],"amount":"1.5","seen":"2026-11-01T11:00:00"}
        {"id":"b","tags":[],"amount":"2.5","seen":"2026-11-01T12:00:00"}
        """;
    RunContext ctx = pipeline("json", "id STRING, tags ARRAY<MAP<STRING, STRING>>, amount DECIMAL(38, 18), "
        + "seen TIMESTAMP_NTZ", "s.jsonl", json,
        "deduplicate: {keys: [id], order_by: [seen desc]}\nrules: [{name: id_present, kind: not_null, column: id}]",
        "2026-11-01");
    StageResult r = ingestAndValidate(ctx);
    assertEquals(1L, r.metrics().get("s.duplicates_removed"));
    assertEquals(List.of("[a,1.500000000000000000]", "[b,2.500000000000000000]"),
        rows(ctx, "silver.s", "id", "amount"));
    var tags = new TableProfiler().run(ctx.lake(), TableRef.parse("silver.s")).columns().stream()
        .filter(c -> c.name().equals("tags")).findFirst().orElseThrow();
    assertEquals(2L, tags.distinctApprox());
  }

  // Issue 27: a late correction wins when the order says so; by default the newest ingest batch wins.
  @Test
  void deduplicateKeepsTheFirstRowOfItsOrder() throws Exception {
    String csv = "driver_id,ts,created,value\n3,2024-01-02 00:00:00,2024-01-02 00:00:00,30\n"
        + "3,2024-01-02 00:00:00,2024-01-04 00:00:00,31\n";
    RunContext ctx = pipeline("csv", "driver_id INT, ts TIMESTAMP, created TIMESTAMP, value INT", "s.csv", csv,
        "deduplicate: {keys: [driver_id, ts], order_by: [created desc]}\n"
            + "rules: [{name: v, kind: not_null, column: value}]", "2026-11-01");
    StageResult r = ingestAndValidate(ctx);
    assertEquals(List.of("[3,31]"), rows(ctx, "silver.s", "driver_id", "value"));
    // The order is recorded: in the summary, and in quality.metrics with the duplicates it removed.
    String order = "created desc, _ingest_time desc, value asc";
    assertEquals(order, r.metrics().get("s.deduplicate_order_by"));
    assertEquals(List.of("[1.0]"), ctx.lake().read(TableRef.parse("quality.metrics")).rows()
        .filter(org.apache.spark.sql.functions.col("metric").equalTo(
            "duplicates_removed[keys: driver_id, ts; order_by: " + order + "]"))
        .select("value").collectAsList().stream().map(Row::toString).toList());
  }

  @Test
  void byDefaultTheNewestIngestBatchWinsThenTheOtherValues() {
    // Two batches of one key (bronze of an incremental source holds several): the newer batch wins although its
    // value sorts later; within one batch, the values decide in column-name order.
    var rows = SharedSpark.get().sql("select * from values (1, 'alpha', timestamp'2026-11-01 00:00:00'), "
        + "(1, 'beta', timestamp'2026-11-02 00:00:00'), (2, 'delta', timestamp'2026-11-02 00:00:00'), "
        + "(2, 'gamma', timestamp'2026-11-02 00:00:00') as t(id, v, " + IngestStage.INGEST_TIME + ")");
    var ranked = rows.withColumn("rank", SuitePlan.duplicateRank(
        dev.lakeforge.core.config.DeduplicateConfig.ofKeys(List.of("id")), "bronze.s", rows));
    assertEquals(List.of("[1,beta]", "[2,delta]"), ranked.filter("rank = 1").select("id", "v").collectAsList()
        .stream().map(Row::toString).sorted().toList());
  }

  @Test
  void anOrderByTermThatNamesNoColumnSaysHowToWriteOne() throws Exception {
    RunContext ctx = pipeline("csv", "id INT, created TIMESTAMP", "s.csv", "id,created\n1,2024-01-01 00:00:00\n",
        "deduplicate: {keys: [id], order_by: [created sideways]}\nrules: [{name: i, kind: not_null, column: id}]",
        "2026-11-01");
    ctx.runStage(new IngestStage());
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new ValidateStage()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("column 'created sideways' is not in bronze.s (its columns: id, created). "
        + "Fix: name one of those columns, then asc or desc (COLUMN, COLUMN asc or COLUMN desc)"), e.getMessage());
  }

  // Case 8: Spark's parse error reaches the user with its text, not as an empty reason.
  @Test
  void anUnparsableRuleExpressionSaysWhatSparkSaid() throws Exception {
    RunContext ctx = pipeline("csv", "id INT, v STRING", "s.csv", "id,v\n1,x\n",
        "rules: [{name: cost_adds_up, kind: expression, expression: \"Cost Total $ = Cost Other + Cost Repair\"}]",
        "2026-11-01");
    ctx.runStage(new IngestStage());
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new ValidateStage()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("'Cost Total $ = Cost Other + Cost Repair': [PARSE_SYNTAX_ERROR] Syntax "
        + "error at or near '$'"), e.getMessage());
  }

  // Sibling of case 8: an analysis error lists the columns Spark suggests.
  @Test
  void anUnknownColumnInARuleExpressionListsTheSuggestions() throws Exception {
    RunContext ctx = pipeline("csv", "id INT, cost STRING", "s.csv", "id,cost\n1,x\n",
        "rules: [{name: typo, kind: expression, expression: \"costs > 1\"}]", "2026-11-01");
    ctx.runStage(new IngestStage());
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new ValidateStage()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("[UNRESOLVED_COLUMN.WITH_SUGGESTION]") && e.getMessage().contains("`cost`"),
        e.getMessage());
  }
}
