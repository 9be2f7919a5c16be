package dev.lakeforge.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.lakeforge.core.config.RuleConfig;
import dev.lakeforge.core.config.ScoringValidationConfig;
import dev.lakeforge.core.config.SourceConfig;
import dev.lakeforge.core.config.ValidationConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.table.RunDate;
import dev.lakeforge.core.table.SchemaPolicy;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.table.VersionedFrame;
import dev.lakeforge.etl.InputRows;
import dev.lakeforge.etl.ValidateStage;
import dev.lakeforge.features.FeatureRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.storage.StorageLevel;

/**
 * Rows to score that have no label yet ({@code scoring.input} naming a source or a table other than a training set):
 * read, checked by {@code scoring.validation} with etl's engine (failing rows to {@code quarantine.<input>}), cast to
 * the spine's types, and given the model's features by {@link FeatureRows#forScoring}, the code that built the model's
 * training set version. Rows in = rows scored + rows quarantined (+ duplicates removed), or the stage fails.
 */
final class NewRows {

  /**
   * @param features   keys, event time, the model's features (cached: release when done) and unseen markers
   * @param inputLabel how the predictions name the input (a table@version, or source NAME (path))
   * @param rowsIn     rows read (with malformed lines)
   * @param removed    rows quarantined or removed as duplicates: {@code rowsIn - removed} must be scored
   */
  record Prepared(Dataset<Row> features, String inputLabel, long rowsIn, long removed, Map<String, String> unseen) {}

  /** The quarantine name of rows given as a file path rather than a source or table. */
  static final String PATH_INPUT = "score_input";

  private NewRows() {}

  /** Whether {@code input} means new rows rather than a training-set table whose rows hold features already. */
  static boolean isNewRows(RunContext context, String input) {
    if (input == null) {
      return false;
    }
    if (context.config().sources().containsKey(input) || isPath(input)) {
      return true;
    }
    return !TableRef.parse(input).layer().equals(dev.lakeforge.features.FeatureTable.TRAINING_SETS);
  }

  /** A file or directory rather than a source name or a table: it has a '/' or a file extension. */
  static boolean isPath(String input) {
    return input.contains("/") || input.matches("(?i).*\\.(parquet|csv|json|jsonl)$");
  }

  /**
   * A file named directly (e.g. {@code lakeforge score --input next-day.csv}): Parquet as stored; CSV (with a header)
   * and JSON lines with every value as text, so no type depends on inference: the checks cast each needed column
   * to its spine type and quarantine the values that do not cast.
   */
  private static Dataset<Row> readPath(RunContext context, String path) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      var fs = p.getFileSystem(context.spark().sparkContext().hadoopConfiguration());
      var matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw Errors.inputMissing("scoring input", path, "give the path of the rows to score");
      }
    } catch (java.io.IOException e) {
      throw Errors.inputUnreadable("scoring input", path, dev.lakeforge.core.error.LibraryMessage.of(e), e);
    }
    String lower = path.toLowerCase(java.util.Locale.ROOT);
    var reader = context.spark().read();
    if (lower.endsWith(".csv")) {
      return reader.option("header", "true").option("inferSchema", "false").csv(path);
    }
    if (lower.endsWith(".json") || lower.endsWith(".jsonl")) {
      return reader.option("primitivesAsString", "true").json(path);
    }
    return reader.parquet(path);
  }

  static Prepared prepare(RunContext context, String input, String trainingSet, TableVersion trainingSetVersion,
      String where, StageResult.Builder result) {
    boolean fromSource = context.config().sources().containsKey(input);
    boolean fromPath = !fromSource && isPath(input);
    String name = fromSource ? input : fromPath ? PATH_INPUT : TableRef.parse(input).name();
    refuseSharedQuarantine(context, input, name);
    TableRef quarantine = TableRef.of("quarantine", name);

    Dataset<Row> rows;
    Dataset<Row> malformed = null;
    Runnable release = () -> { };
    String inputLabel;
    if (fromSource) {
      SourceConfig source = context.config().sources().get(input);
      InputRows.Read read = InputRows.read(context, input, source);
      rows = read.rows();
      malformed = read.malformed();
      release = read.release();
      inputLabel = "source " + input + " (" + source.location() + ")";
    } else if (fromPath) {
      rows = readPath(context, input);
      inputLabel = "file " + input;
    } else {
      VersionedFrame table = context.lake().read(TableRef.parse(input));
      result.read(table.version());
      rows = table.rows();
      inputLabel = table.version().toString();
    }
    try {
      return prepare(context, input, name, quarantine, rows, malformed, inputLabel, trainingSet, trainingSetVersion,
          where, result);
    } catch (LakeforgeException e) {
      throw e;
    } catch (RuntimeException e) {
      // Spark reads lazily: an unreadable file fails inside the first action below, not at the read.
      Errors.unreachableService(e).ifPresent(down -> {
        throw down;
      });
      throw Errors.inputUnreadable("scoring input '" + input + "'", inputLabel,
          dev.lakeforge.core.error.LibraryMessage.ofRootCause(e), e);
    } finally {
      release.run();
    }
  }

  private static Prepared prepare(RunContext context, String input, String name, TableRef quarantine,
      Dataset<Row> read, Dataset<Row> malformed, String inputLabel, String trainingSet,
      TableVersion trainingSetVersion, String where, StageResult.Builder result) {
    FeatureRows.Needs needs = FeatureRows.needs(context, trainingSet);
    Dataset<Row> rows = read;
    if (where != null) {
      try {
        rows = rows.filter(where);
        rows.queryExecution().assertAnalyzed();
      } catch (Exception e) {
        throw Errors.sqlExpression("scoring.where", where, dev.lakeforge.core.error.LibraryMessage.of(e), e);
      }
    }
    // The schema first: a missing column is one line before any row is read.
    List<String> have = Arrays.asList(rows.columns());
    List<String> missing = needs.columns().keySet().stream().filter(c -> !have.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw Errors.scoringColumns(inputLabel, "column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing),
          String.join(", ", have.stream().filter(c -> !c.startsWith("_")).toList()),
          "add " + (missing.size() > 1 ? "them" : "it") + " to the rows (" + needs.spine() + " has "
              + (missing.size() > 1 ? "them" : "it") + " with its type)");
    }

    // Each needed column cast to its type in the spine, beside the original, so a check can tell a value that
    // does not cast (quarantined) from a null (passed to the features as null, as in training).
    List<RuleConfig> builtIn = new ArrayList<>();
    List<String> casts = new ArrayList<>();
    for (Map.Entry<String, DataType> c : needs.columns().entrySet()) {
      String cast = c.getKey() + " as " + c.getValue().simpleString();
      casts.add(cast);
      DataType had = rows.schema().apply(c.getKey()).dataType();
      // try_cast: a value that does not cast is null (then quarantined) whatever spark.sql.ansi.enabled says.
      rows = rows.withColumn(cast, had.equals(c.getValue()) ? ColumnNames.column(c.getKey())
          : org.apache.spark.sql.functions.expr("try_cast(" + ColumnNames.quoted(c.getKey()) + " AS "
              + c.getValue().sql() + ")"));
      if (!had.equals(c.getValue())) {
        builtIn.add(rule("casts_" + safe(c.getKey()), "expression", null, ColumnNames.quoted(c.getKey())
            + " IS NULL OR " + ColumnNames.quoted(cast) + " IS NOT NULL"));
      }
    }
    for (String c : needs.notNull()) {
      builtIn.add(rule("present_" + safe(c), "not_null", c, null));
    }
    ScoringValidationConfig declared = context.config().scoring().validation();
    List<RuleConfig> rules = new ArrayList<>(builtIn);
    rules.addAll(declared.rules());
    ValidationConfig suite;
    try {
      suite = new ValidationConfig(input, declared.deduplicate(), rules, List.of(), declared.maxQuarantineFraction(),
          "fail", "used");
    } catch (IllegalArgumentException e) { // a declared rule named like a built-in check
      throw Errors.configInvalid("scoring.validation", e.getMessage() + " (scoring adds " + String.join(", ",
          builtIn.stream().map(RuleConfig::name).toList()) + "); rename the rule");
    }

    InputRows.Checked checked = InputRows.check(context, suite, inputLabel, rows, result);
    try {
      long malformedRows = malformed == null ? 0 : malformed.count();
      long rowsIn = checked.rowsIn() + malformedRows;
      if (rowsIn == 0) {
        throw Errors.scoringInput(inputLabel, "it has no rows" + (where == null ? "" : " matching scoring.where"),
            "check that the file or table holds the rows to score");
      }
      Column runDate = RunDate.literal(context.runDate());
      Dataset<Row> bad = checked.quarantined().drop(casts.toArray(String[]::new))
          .withColumn(RunDate.SOURCE_COLUMN, runDate);
      if (malformed != null) {
        bad = bad.unionByName(malformed.withColumn(ValidateStage.FAILED_RULES, org.apache.spark.sql.functions
            .array(lit("schema"))).withColumn(RunDate.SOURCE_COLUMN, runDate), true);
      }
      var written = context.lake().write(bad,
          TableWrite.replaceRunDate(quarantine, context.runDate())
          .schema(SchemaPolicy.ADD_COLUMNS));
      if (written.rowsWritten() > 0 || context.lake().exists(quarantine)) {
        result.wrote(written.version());
      }
      long quarantined = written.rowsWritten();
      double fraction = (double) quarantined / rowsIn;
      result.metric("rows_in", rowsIn).metric("rows_quarantined", quarantined)
          .metric("duplicates_removed", checked.duplicates());
      checked.metrics().forEach((k, v) -> result.metric(name + "." + k, v == null ? null : v.longValue()));
      if (!checked.warnings().isEmpty()) {
        result.metric(name + ".warnings", String.join("; ", checked.warnings()));
      }
      List<String> errors = new ArrayList<>(checked.errors());
      if (fraction > declared.maxQuarantineFraction()) {
        errors.add(String.format("%d of %d rows (%.4f) failed error rules, above "
                + "scoring.validation.max_quarantine_fraction %.4f", quarantined, rowsIn, fraction,
            declared.maxQuarantineFraction()));
      }
      if (!errors.isEmpty()) {
        throw result.failed(Errors.dataQualityGate(name, String.join("; ", errors) + "; nothing was scored"));
      }

      List<Column> typed = new ArrayList<>();
      int j = 0;
      for (String c : needs.columns().keySet()) {
        typed.add(ColumnNames.column(casts.get(j++)).as(c));
      }
      Dataset<Row> good = checked.kept().select(typed.toArray(Column[]::new));
      FeatureRows.Built built = FeatureRows.forScoring(context, trainingSet, trainingSetVersion, good, result);
      Dataset<Row> features = built.rows().persist(StorageLevel.MEMORY_AND_DISK());
      // Materialised before the checked rows and the read are released: the text reader cannot be re-scanned.
      long toScore = countUnseen(features, built.unseenColumns(), result);
      if (toScore + quarantined + checked.duplicates() != rowsIn) {
        throw new IllegalStateException("row accounting broke for " + inputLabel + ": in " + rowsIn + ", to score "
            + toScore + ", quarantined " + quarantined + ", duplicates " + checked.duplicates());
      }
      return new Prepared(features, inputLabel, rowsIn, quarantined + checked.duplicates(), built.unseenColumns());
    } finally {
      checked.release().run();
    }
  }

  /** One aggregation: how many rows had a category each encoding never saw (they got its unknown value). */
  private static long countUnseen(Dataset<Row> features, Map<String, String> unseen, StageResult.Builder result) {
    List<Column> sums = new ArrayList<>();
    unseen.values().forEach(c -> sums.add(sum(col(c)).as(c)));
    Row counts = features.agg(org.apache.spark.sql.functions.count(lit(1)),
        sums.toArray(Column[]::new)).first();
    long total = 0;
    int k = 1;
    for (String feature : unseen.keySet()) {
      long n = counts.isNullAt(k) ? 0 : counts.getLong(k);
      result.metric("unseen." + feature, n);
      total += n;
      k++;
    }
    result.metric("unseen_values", total);
    return counts.getLong(0);
  }

  /**
   * {@code quarantine.<name>} must not be another stage's: validate replaces its entities' quarantine by run date,
   * and so would scoring.
   */
  private static void refuseSharedQuarantine(RunContext context, String input, String name) {
    if (context.config().validation().containsKey(name)) {
      throw Errors.configInvalid("scoring.input", "'" + input + "' would quarantine its bad rows into quarantine."
          + name + ", which validate writes for entity '" + name + "'. Fix: declare the rows to score as a source "
          + "of their own (e.g. " + name + "_new) and name it in scoring.input");
    }
  }

  private static RuleConfig rule(String name, String kind, String column, String expression) {
    return new RuleConfig(name, kind, column, null, null, null, null, null, null, expression, null, null, null, null,
        null);
  }

  private static String safe(String column) {
    String s = column.replaceAll("[^A-Za-z0-9_]", "_");
    return s.isEmpty() ? "column" : s;
  }
}
