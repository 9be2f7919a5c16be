package dev.lakeforge.etl;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.config.AnomalyConfig;
import dev.lakeforge.core.config.DeduplicateConfig;
import dev.lakeforge.core.config.RuleConfig;
import dev.lakeforge.core.config.ValidationConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.spark.ColumnNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * A validation suite compiled against one batch, Deequ-style: every rule and column metric becomes an aggregate
 * expression of one aggregation. Rules that need other rows (unique, referential, deduplication) first get helper
 * columns from one grouped pass each; outlier rules get their bounds from quantile sketches of that same aggregation.
 */
final class SuitePlan {
  static final String DUP_RANK = "_dup_rank";
  private static final int SKETCH_POINTS = 200;

  private final ValidationConfig suite;
  private final Dataset<Row> prepared;
  private final List<RowCheck> checks;
  private final List<RuleConfig> outlierRules;
  private final List<ColumnMetric> columnMetrics;

  private SuitePlan(ValidationConfig suite, Dataset<Row> prepared, List<RowCheck> checks,
      List<RuleConfig> outlierRules, List<ColumnMetric> columnMetrics) {
    this.suite = suite;
    this.prepared = prepared;
    this.checks = List.copyOf(checks);
    this.outlierRules = List.copyOf(outlierRules);
    this.columnMetrics = List.copyOf(columnMetrics);
  }

  /**
   * @param table      the table the rows come from, for messages
   * @param references reads the table a referential rule points at (e.g. silver.airports)
   */
  static SuitePlan compile(ValidationConfig suite, String table, Dataset<Row> rows,
      Function<String, Dataset<Row>> references) {
    List<String> columns = Arrays.asList(rows.columns());
    for (RuleConfig rule : suite.rules()) {
      List<String> needed = rule.kind().equals("unique") ? rule.columns()
          : rule.column() == null ? List.of() : List.of(rule.column());
      for (String c : needed) {
        if (!columns.contains(c)) {
          throw Errors.configInvalid("validation rule '" + rule.name() + "'", "column '" + c + "' is not in "
              + table + " (its columns: " + RowCheck.describeColumns(rows.columns())
              + "). Fix: correct the rule's column or the source schema");
        }
      }
    }
    Dataset<Row> prepared = rows.withColumn(DUP_RANK, suite.deduplicate() == null ? lit(1)
        : duplicateRank(suite.deduplicate(), table, rows));
    List<RowCheck> checks = new ArrayList<>();
    List<RuleConfig> outlierRules = new ArrayList<>();
    for (RuleConfig rule : suite.rules()) {
      switch (rule.kind()) {
        case "unique" -> {
          String keyCount = "_key_count_" + rule.name();
          Column[] keys = rule.columns().stream().map(ColumnNames::column).toArray(Column[]::new);
          // A key with a null in it identifies nothing, so it is nobody's duplicate (as in SQL's UNIQUE).
          prepared = prepared.withColumn(keyCount, when(anyNull(rule.columns()), lit(1L)).otherwise(
              sum(when(col(DUP_RANK).equalTo(1), 1L).otherwise(0L)).over(Window.partitionBy(keys))));
          checks.add(RowCheck.unique(rule, keyCount));
        }
        case "referential" -> {
          String found = "_ref_found_" + rule.name();
          String key = "_ref_key_" + rule.name();
          Dataset<Row> reference = references.apply(rule.reference());
          if (!Arrays.asList(reference.columns()).contains(rule.referenceColumn())) {
            throw Errors.configInvalid("validation rule '" + rule.name() + "'", "column '" + rule.referenceColumn()
                + "' is not in " + rule.reference() + " (its columns: "
                + RowCheck.describeColumns(reference.columns()) + ")");
          }
          Dataset<Row> keys = reference.select(ColumnNames.column(rule.referenceColumn()).cast("string").as(key))
              .distinct()
              .withColumn(found, lit(true));
          prepared = prepared.join(keys, ColumnNames.column(rule.column()).cast("string").equalTo(keys.col(key)),
                  "left")
              .drop(key);
          checks.add(RowCheck.referential(rule, found));
        }
        case "outlier" -> outlierRules.add(rule);
        case "row_count", "freshness" -> { }
        default -> checks.add(RowCheck.compile(rule));
      }
    }
    for (RowCheck check : checks) {
      requireValid(rows, check);
    }
    for (RuleConfig rule : outlierRules) {
      DataType type = rows.schema().apply(rule.column()).dataType();
      if (!(type instanceof NumericType)) {
        throw Errors.configInvalid("validation rule '" + rule.name() + "'", "outlier rules need a numeric column but "
            + rule.column() + " is " + type.simpleString());
      }
    }
    return new SuitePlan(suite, prepared, checks, outlierRules, columnMetrics(suite, rows.schema()));
  }

  /**
   * The column metrics the suite computes: every one with {@code metrics: all}; with {@code used}, those its anomaly
   * checks read. Checked against the batch's schema before any data is read.
   */
  private static List<ColumnMetric> columnMetrics(ValidationConfig suite, StructType schema) {
    java.util.Set<ColumnMetric> used = new java.util.LinkedHashSet<>();
    for (AnomalyConfig check : suite.anomalies()) {
      try {
        ColumnMetric.parse(check.metric(), schema).ifPresent(metric -> {
          requireAboveNoise(check, metric);
          used.add(metric);
        });
      } catch (IllegalArgumentException e) {
        throw Errors.configInvalid("validation anomaly '" + check.name() + "'", "metric '" + check.metric()
            + "': " + e.getMessage());
      }
    }
    if (suite.metrics().equals("all")) {
      return ColumnMetric.all(schema);
    }
    return List.copyOf(used);
  }

  /**
   * An estimated metric differs from run to run by its estimation noise alone: the difference of two
   * distinct_approx estimates has a relative standard deviation of about sqrt(2) x 0.05 = 0.071, so a relative
   * change check must allow at least 0.15 (about two of those), and an absolute one cannot know the scale.
   */
  private static void requireAboveNoise(AnomalyConfig check, ColumnMetric metric) {
    if (!metric.statistic().approximate() || check.kind().equals("trailing_stddev")) {
      return;
    }
    double least = 3 * ColumnMetric.DISTINCT_RELATIVE_SD;
    if (check.kind().equals("absolute_change") || check.max() < least) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "it is estimated with a relative "
          + "standard deviation of %.2f, so %s %s would fire on estimation noise; use relative_change with max at "
          + "least %.2f, or trailing_stddev", ColumnMetric.DISTINCT_RELATIVE_SD, check.kind(),
          check.kind().equals("absolute_change") ? "(whose scale depends on the count)" : "max " + check.max(),
          least));
    }
  }

  /**
   * Each row's rank among the rows sharing its key: 1 is kept. The order is {@code order_by}, then the ingest batch,
   * newest first, then every other column's value (see {@link DeduplicateConfig}), so the same row survives on
   * every rerun whatever the partitioning. Rows with a null in a key column are nobody's duplicate: always 1.
   */
  static Column duplicateRank(DeduplicateConfig dedup, String table, Dataset<Row> rows) {
    List<String> columns = Arrays.asList(rows.columns());
    for (String key : dedup.keys()) {
      if (!columns.contains(key)) {
        throw Errors.configInvalid("validation deduplicate", "key column '" + key + "' is not in " + table
            + " (its columns: " + RowCheck.describeColumns(rows.columns()) + ")");
      }
    }
    List<Column> order = new ArrayList<>();
    for (DeduplicateConfig.OrderTerm term : effectiveOrder(dedup, table, rows)) {
      Column c = orderable(rows, term.column());
      order.add(term.descending() ? c.desc_nulls_last() : c.asc_nulls_last());
    }
    var byKey = Window.partitionBy(dedup.keys().stream().map(ColumnNames::column).toArray(Column[]::new));
    Column rank = row_number().over(order.isEmpty() ? byKey : byKey.orderBy(order.toArray(Column[]::new)));
    return when(anyNull(dedup.keys()), lit(1)).otherwise(rank);
  }

  /**
   * The whole order that picks the row kept: {@code order_by}, then {@code _ingest_time desc} (newest batch first),
   * then every other data column ascending in name order. Recorded with the suite's metrics.
   */
  static List<DeduplicateConfig.OrderTerm> effectiveOrder(DeduplicateConfig dedup, String table, Dataset<Row> rows) {
    List<String> columns = Arrays.asList(rows.columns());
    List<DeduplicateConfig.OrderTerm> order = new ArrayList<>();
    List<String> ordered = new ArrayList<>(dedup.keys());
    for (DeduplicateConfig.OrderTerm term : dedup.orderTerms()) {
      if (!columns.contains(term.column())) {
        throw Errors.configInvalid("validation deduplicate order_by", "column '" + term.column() + "' is not in "
            + table + " (its columns: " + RowCheck.describeColumns(rows.columns()) + "). Fix: name one of those "
            + "columns, then asc or desc (COLUMN, COLUMN asc or COLUMN desc)");
      }
      order.add(term);
      ordered.add(term.column());
    }
    if (columns.contains(IngestStage.INGEST_TIME) && !ordered.contains(IngestStage.INGEST_TIME)) {
      order.add(new DeduplicateConfig.OrderTerm(IngestStage.INGEST_TIME, true));
    }
    columns.stream().filter(c -> !c.startsWith("_") && !ordered.contains(c)).sorted()
        .forEach(c -> order.add(new DeduplicateConfig.OrderTerm(c, false)));
    return order;
  }

  private static Column orderable(Dataset<Row> rows, String name) {
    return ColumnNames.comparable(name, rows.schema().apply(name).dataType());
  }

  private static Column anyNull(List<String> columns) {
    return columns.stream().map(c -> ColumnNames.column(c).isNull()).reduce(Column::or).orElse(lit(false));
  }

  private static void requireValid(Dataset<Row> rows, RowCheck check) {
    if (!check.rule().kind().equals("expression")) {
      return;
    }
    try {
      rows.select(check.failed()).queryExecution().assertAnalyzed();
    } catch (Exception e) {
      throw Errors.sqlExpression("validation rule '" + check.rule().name() + "'", check.rule().expression(),
          dev.lakeforge.core.error.LibraryMessage.of(e), e);
    }
  }

  /** The batch with the helper columns the checks read. */
  Dataset<Row> prepared() {
    return prepared;
  }

  /**
   * The suite's one aggregation over {@code rows} (the prepared batch): rows in, duplicates, each row rule's
   * failures among kept rows, dataset-rule inputs, the suite's column metrics and outlier sketches.
   */
  Dataset<Row> metricsAggregation(Dataset<Row> rows) {
    Column kept = col(DUP_RANK).equalTo(1);
    Map<String, Column> aggs = new LinkedHashMap<>();
    aggs.put("rows_in", count(lit(1)));
    aggs.put("duplicates_removed", sum(when(kept, 0).otherwise(1)));
    for (RowCheck check : checks) {
      aggs.put("rule." + check.rule().name() + ".failed", sum(when(kept.and(check.failed()), 1).otherwise(0)));
    }
    for (RuleConfig rule : suite.rules()) {
      if (rule.kind().equals("freshness")) {
        aggs.put("rule." + rule.name() + ".newest",
            max(when(kept, ColumnNames.column(rule.column()).cast("timestamp"))));
      }
    }
    for (ColumnMetric metric : columnMetrics) {
      aggs.put(metric.name(), metric.aggregate(kept, prepared.schema()));
    }
    for (RuleConfig rule : outlierRules) {
      Column[] points = new Column[SKETCH_POINTS + 1];
      for (int i = 0; i <= SKETCH_POINTS; i++) {
        points[i] = lit((double) i / SKETCH_POINTS);
      }
      aggs.put("sketch." + rule.name(), percentile_approx(when(kept, ColumnNames.column(rule.column()).cast("double")),
          array(points), lit(10_000)));
    }
    List<Column> named = aggs.entrySet().stream().map(e -> e.getValue().as(e.getKey())).toList();
    return rows.agg(named.get(0), named.subList(1, named.size()).toArray(Column[]::new));
  }

  /** Each outlier rule's bounds, from its quantile sketch in the suite's aggregation. */
  Map<RuleConfig, RobustBounds> outlierBounds(Row aggregate) {
    Map<RuleConfig, RobustBounds> out = new LinkedHashMap<>();
    for (RuleConfig rule : outlierRules) {
      int i = aggregate.fieldIndex("sketch." + rule.name());
      List<Double> quantiles = aggregate.isNullAt(i) ? List.of() : aggregate.<Double>getList(i);
      out.put(rule, RobustBounds.fromQuantiles(quantiles, rule.threshold()));
    }
    return out;
  }

  List<RowCheck> checks() {
    return checks;
  }

  List<ColumnMetric> columnMetrics() {
    return columnMetrics;
  }

  /** Adds {@code _failed_rules} and {@code _reason} over the error checks given. */
  static Dataset<Row> annotate(Dataset<Row> rows, List<RowCheck> checks) {
    Column[] names = checks.stream().filter(c -> c.rule().isError())
        .map(c -> when(c.failed(), lit(c.rule().name()))).toArray(Column[]::new);
    Column[] reasons = checks.stream().filter(c -> c.rule().isError())
        .map(c -> when(c.failed(), c.reason())).toArray(Column[]::new);
    return rows
        .withColumn(ValidateStage.FAILED_RULES,
            names.length == 0 ? array().cast("array<string>") : array_compact(array(names)))
        .withColumn(ValidateStage.REASON, concat_ws("; ", reasons));
  }

  static Column isQuarantined() {
    return col(DUP_RANK).equalTo(1).and(size(col(ValidateStage.FAILED_RULES)).gt(0));
  }

  static Column isKept() {
    return col(DUP_RANK).equalTo(1).and(size(col(ValidateStage.FAILED_RULES)).equalTo(0));
  }

}
