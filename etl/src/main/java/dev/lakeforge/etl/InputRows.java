package dev.lakeforge.etl;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakeforge.core.config.SourceConfig;
import dev.lakeforge.core.config.ValidationConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.VersionedFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Ingest's reader and validate's rule engine for rows that do not go to bronze and silver (rows to score): a source
 * is read exactly as {@code ingest} reads it, and a suite is judged exactly as {@code validate} judges one
 * ({@link SuitePlan}, {@link RowCheck}), so a rule means the same thing wherever it runs.
 */
public final class InputRows {
  private InputRows() {}

  /**
   * A source's rows, read as ingest reads them.
   *
   * @param rows      the rows that parsed
   * @param malformed CSV/JSON lines that do not match the declared schema ({@code _raw_line}, {@code _reason}), or
   *                  null for Parquet and JDBC
   */
  public record Read(Dataset<Row> rows, Dataset<Row> malformed, Runnable release) {}

  /** Reads source {@code name} as ingest does (its format, options and schema); a missing file is exit 2. */
  public static Read read(RunContext context, String name, SourceConfig source) {
    if (source.format().equals("jdbc")) {
      return new Read(new JdbcSource(context.spark(), name, source.jdbc()).read(source.options(), null), null,
          () -> { });
    }
    Sources.requireExists(context.spark(), name, source.path());
    Dataset<Row> raw = IngestStage.read(context, name, source);
    if (!source.format().equals("csv") && !source.format().equals("json")) {
      return new Read(raw, null, () -> { });
    }
    // Spark refuses to filter on the corrupt-record column of an unmaterialized text scan: persist once.
    Dataset<Row> parsed = raw.persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> malformed = parsed.filter(col(IngestStage.CORRUPT).isNotNull())
        .select(col(IngestStage.CORRUPT).as("_raw_line"), lit("line does not match the declared schema of source '"
            + name + "' (column count or types)").as(ValidateStage.REASON));
    return new Read(parsed.filter(col(IngestStage.CORRUPT).isNull()).drop(IngestStage.CORRUPT), malformed,
        parsed::unpersist);
  }

  /**
   * A suite judged on a batch: rows in, duplicates removed, each rule's failures; the kept rows, and the
   * quarantined ones with {@code _failed_rules} and {@code _reason} as in {@code quarantine.<entity>}. Dataset rules
   * failing at severity error are in {@link #errors}. Call {@link #release} when done.
   */
  public record Checked(Dataset<Row> kept, Dataset<Row> quarantined, long rowsIn, long duplicates,
      Map<String, Double> metrics, List<String> errors, List<String> warnings, Runnable release) {}

  /**
   * Judges {@code rows} with {@code suite} in validate's one aggregation (anomaly checks, which need a history of
   * runs, are not applied here).
   *
   * @param table the rows' name in messages
   */
  public static Checked check(RunContext context, ValidationConfig suite, String table, Dataset<Row> rows,
      StageResult.Builder result) {
    SuitePlan plan = SuitePlan.compile(suite, table, rows, reference -> {
      VersionedFrame ref = context.lake().read(TableRef.parse(reference));
      result.read(ref.version());
      return ref.rows();
    });
    Dataset<Row> prepared = plan.prepared().persist(StorageLevel.MEMORY_AND_DISK());
    Row aggregate = plan.metricsAggregation(prepared).head();
    Map<String, Double> metrics = new LinkedHashMap<>();
    long rowsIn = aggregate.getLong(aggregate.fieldIndex("rows_in"));
    long duplicates = ValidateStage.longOf(aggregate, "duplicates_removed");
    List<RowCheck> checks = new ArrayList<>(plan.checks());
    for (RowCheck check : checks) {
      metrics.put(ValidateStage.ruleMetric(check.rule()),
          (double) ValidateStage.longOf(aggregate, ValidateStage.ruleMetric(check.rule())));
    }
    checks.addAll(ValidateStage.outlierChecks(plan, prepared, aggregate, metrics));
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    ValidateStage.judgeDatasetRules(context, suite, aggregate, rowsIn - duplicates, metrics, errors, warnings);
    Dataset<Row> annotated = SuitePlan.annotate(prepared, checks);
    String[] helpers = Arrays.stream(prepared.columns()).filter(c -> !Arrays.asList(rows.columns()).contains(c))
        .toArray(String[]::new);
    return new Checked(
        annotated.filter(SuitePlan.isKept()).drop(helpers).drop(ValidateStage.FAILED_RULES, ValidateStage.REASON),
        annotated.filter(SuitePlan.isQuarantined()).drop(helpers), rowsIn, duplicates, metrics, errors, warnings,
        prepared::unpersist);
  }

  /** A source by name, or exit 2 listing the declared ones. */
  public static SourceConfig source(RunContext context, String name, String key) {
    SourceConfig source = context.config().sources().get(name);
    if (source == null) {
      throw Errors.configInvalid(key, "'" + name + "' is not one of sources: "
          + String.join(", ", context.config().sources().keySet()));
    }
    return source;
  }
}
