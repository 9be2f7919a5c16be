package dev.lakeforge.etl;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.config.AnomalyConfig;
import dev.lakeforge.core.config.RuleConfig;
import dev.lakeforge.core.config.SourceConfig;
import dev.lakeforge.core.config.ValidationConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.RunDate;
import dev.lakeforge.core.table.SchemaPolicy;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.table.VersionedFrame;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Splits {@code bronze.<source>} into {@code silver.<entity>} (kept rows), {@code quarantine.<entity>} (rows failing
 * an error rule, with every rule they failed and why) and removed duplicates, then records the suite's metrics in
 * {@code quality.metrics}. Dataset rules, anomaly checks and the quarantine share decide whether silver is
 * published; rows in = kept + quarantined + duplicates removed is checked against what Delta reports it wrote.
 */
public final class ValidateStage implements Stage {
  public static final String NAME = "validate";
  public static final String FAILED_RULES = "_failed_rules";
  public static final String REASON = "_reason";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    StageResult.Builder result = context.result(NAME);
    for (String entity : orderByReferences(context.config().validation())) {
      validate(context, entity, context.config().validation().get(entity), result);
    }
    return result.build();
  }

  /** Entities whose silver table another suite references come first, so it reads this run's version. */
  static List<String> orderByReferences(Map<String, ValidationConfig> suites) {
    Set<String> done = new LinkedHashSet<>();
    Set<String> visiting = new LinkedHashSet<>();
    for (String entity : new TreeMap<>(suites).keySet()) {
      visit(entity, suites, done, visiting);
    }
    return new ArrayList<>(done);
  }

  private static void visit(String entity, Map<String, ValidationConfig> suites, Set<String> done,
      Set<String> visiting) {
    if (done.contains(entity)) {
      return;
    }
    if (!visiting.add(entity)) {
      throw Errors.configInvalid("validation." + entity, "referential rules form a cycle through "
          + String.join(" -> ", visiting) + ". Fix: reference a table that does not reference back");
    }
    for (RuleConfig rule : suites.get(entity).rules()) {
      if (rule.kind().equals("referential")) {
        TableRef ref = TableRef.parse(rule.reference());
        if (ref.layer().equals("silver") && suites.containsKey(ref.name()) && !ref.name().equals(entity)) {
          visit(ref.name(), suites, done, visiting);
        }
      }
    }
    visiting.remove(entity);
    done.add(entity);
  }

  private void validate(RunContext context, String entity, ValidationConfig suite, StageResult.Builder result) {
    SourceConfig source = context.config().sources().get(suite.source());
    if (source == null) {
      throw Errors.configInvalid("validation." + entity, "source '" + suite.source()
          + "' is not one of sources: " + String.join(", ", context.config().sources().keySet()));
    }
    Lake lake = context.lake();
    TableRef bronzeRef = TableRef.of("bronze", suite.source());
    VersionedFrame bronze = lake.read(bronzeRef);
    result.read(bronze.version());
    Dataset<Row> rows = source.incremental()
        ? bronze.rows().filter(RunDate.slice(bronzeRef, context.runDate()).predicate()) : bronze.rows();

    SuitePlan plan = SuitePlan.compile(suite, bronze.version().table(), rows, reference -> {
      VersionedFrame table = lake.read(TableRef.parse(reference));
      result.read(table.version());
      return table.rows();
    });
    Dataset<Row> prepared = plan.prepared().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row aggregate = plan.metricsAggregation(prepared).head();
      List<RowCheck> checks = new ArrayList<>(plan.checks());
      Map<String, Double> metrics = measure(entity, suite, bronze, rows, plan, prepared, aggregate, checks, result);
      long rowsIn = metrics.get("rows_in").longValue();
      long duplicates = metrics.get("duplicates_removed").longValue();

      List<String> errors = new ArrayList<>();
      List<String> warnings = new ArrayList<>();
      judgeDatasetRules(context, suite, aggregate, rowsIn - duplicates, metrics, errors, warnings);

      Dataset<Row> annotated = SuitePlan.annotate(prepared, checks);
      String[] helpers = Arrays.stream(prepared.columns()).filter(c -> !Arrays.asList(rows.columns()).contains(c))
          .toArray(String[]::new);
      Lake.WriteResult quarantine = lake.write(annotated.filter(SuitePlan.isQuarantined()).drop(helpers),
          TableWrite.replaceRunDate(TableRef.of("quarantine", entity), context.runDate())
              .schema(SchemaPolicy.ADD_COLUMNS));
      result.wrote(quarantine.version());
      long quarantined = quarantine.rowsWritten();
      double fraction = rowsIn == 0 ? 0 : (double) quarantined / rowsIn;
      metrics.put("rows_quarantined", (double) quarantined);
      metrics.put("quarantine_fraction", fraction);
      metrics.put("rows_kept", (double) (rowsIn - duplicates - quarantined));
      if (fraction > suite.maxQuarantineFraction()) {
        errors.add(String.format("%d of %d rows (%.4f) failed error rules, above max_quarantine_fraction %.4f",
            quarantined, rowsIn, fraction, suite.maxQuarantineFraction()));
      }
      QualityHistory history = new QualityHistory(context);
      judgeAnomalies(entity, suite, history, metrics, rowsIn, errors, warnings);
      result.wrote(history.record(entity, bronze.version(), metrics));
      report(entity, metrics, checks, warnings, result);
      if (!errors.isEmpty()) {
        throw result.failed(Errors.dataQualityGate(entity, String.join("; ", errors) + "; silver." + entity
            + " was not updated"));
      }

      Dataset<Row> good = annotated.filter(SuitePlan.isKept()).drop(helpers).drop(FAILED_RULES, REASON);
      TableRef silver = TableRef.of("silver", entity);
      SchemaPolicy policy = SchemaPolicy.of(suite.schemaPolicy());
      Lake.WriteResult kept = lake.write(good, (source.incremental()
          ? TableWrite.replaceRunDate(silver, context.runDate())
          : TableWrite.overwrite(silver)).schema(policy));
      result.wrote(kept.version());
      if (kept.rowsWritten() + quarantined + duplicates != rowsIn) {
        throw new IllegalStateException("row accounting broke for " + entity + ": in " + rowsIn + ", kept "
            + kept.rowsWritten() + ", quarantined " + quarantined + ", duplicates " + duplicates);
      }
    } finally {
      prepared.unpersist();
    }
  }

  /**
   * The suite's metrics from its one aggregation: rows in, duplicates removed (with the order that chose the kept
   * rows), each rule's failures, the outlier rules' (whose checks join {@code checks}) and the column metrics.
   */
  private static Map<String, Double> measure(String entity, ValidationConfig suite, VersionedFrame bronze,
      Dataset<Row> rows, SuitePlan plan, Dataset<Row> prepared, Row aggregate, List<RowCheck> checks,
      StageResult.Builder result) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    long rowsIn = aggregate.getLong(aggregate.fieldIndex("rows_in"));
    long duplicates = longOf(aggregate, "duplicates_removed");
    metrics.put("rows_in", (double) rowsIn);
    metrics.put("duplicates_removed", (double) duplicates);
    if (suite.deduplicate() != null) {
      // The order that chose the kept rows, so a later reader knows which of the duplicates survived and why.
      String order = SuitePlan.effectiveOrder(suite.deduplicate(), bronze.version().table(), rows).stream()
          .map(Object::toString).collect(java.util.stream.Collectors.joining(", "));
      metrics.put("duplicates_removed[keys: " + String.join(", ", suite.deduplicate().keys()) + "; order_by: "
          + order + "]", (double) duplicates);
      result.metric(entity + ".deduplicate_order_by", order);
    }
    for (RowCheck check : checks) {
      metrics.put(ruleMetric(check.rule()), (double) longOf(aggregate, ruleMetric(check.rule())));
    }
    checks.addAll(outlierChecks(plan, prepared, aggregate, metrics));
    for (ColumnMetric metric : plan.columnMetrics()) {
      metrics.put(metric.name(), metric.value(aggregate, rowsIn - duplicates));
    }
    return metrics;
  }

  /**
   * Each anomaly check against earlier run dates' metrics in {@code quality.metrics}; a statistic of fewer rows
   * than the check's {@code min_rows} is recorded as insufficient and neither passes nor fails.
   */
  private static void judgeAnomalies(String entity, ValidationConfig suite, QualityHistory history,
      Map<String, Double> metrics, long rowsIn, List<String> errors, List<String> warnings) {
    for (AnomalyConfig check : suite.anomalies()) {
      if (!metrics.containsKey(check.metric())) {
        throw Errors.configInvalid("validation." + entity + " anomaly '" + check.name() + "'", "metric '"
            + check.metric() + "' is not a metric of this suite (e.g. rows_in, rows_quarantined, "
            + "duplicates_removed, rule.<rule>.failed, column.<column>.<" + ColumnMetric.Statistic.keys()
            + ">)");
      }
      if (!check.metric().equals("rows_in") && rowsIn < check.minRows()) {
        // A mean or a failure count of a handful of rows says nothing: neither pass nor fail (issue 26 case 9).
        metrics.put("anomaly." + check.name() + ".insufficient", 1.0);
        warnings.add(String.format("anomaly %s insufficient data: %s of %d rows, fewer than min_rows %d; neither "
            + "passed nor failed", check.name(), check.metric(), rowsIn, check.minRows()));
        continue;
      }
      int depth = Math.max(check.window(), check.minHistory());
      QualityHistory.judge(check, metrics.get(check.metric()), history.previous(entity, check.metric(), depth))
          .ifPresent(problem -> (check.isError() ? errors : warnings).add("anomaly " + problem));
    }
  }

  /** The entity's counts, quarantine fraction, rule failures and warnings as the stage's metrics. */
  private static void report(String entity, Map<String, Double> metrics, List<RowCheck> checks,
      List<String> warnings, StageResult.Builder result) {
    for (String key : List.of("rows_in", "duplicates_removed", "rows_quarantined", "rows_kept")) {
      result.metric(entity + "." + key, metrics.get(key).longValue());
    }
    result.metric(entity + ".quarantine_fraction", metrics.get("quarantine_fraction"));
    for (RowCheck check : checks) {
      result.metric(entity + "." + ruleMetric(check.rule()), metrics.get(ruleMetric(check.rule())).longValue());
    }
    if (!warnings.isEmpty()) {
      result.metric(entity + ".warnings", String.join("; ", warnings));
    }
  }

  /**
   * The outlier rules' checks, once the suite's aggregation has given their bounds; counting their failures takes
   * one pass over the cached batch. Puts each rule's failures, median and MAD into {@code metrics}.
   */
  static List<RowCheck> outlierChecks(SuitePlan plan, Dataset<Row> prepared, Row aggregate,
      Map<String, Double> metrics) {
    Map<RuleConfig, RobustBounds> outliers = plan.outlierBounds(aggregate);
    List<RowCheck> outlierChecks = new ArrayList<>();
    if (!outliers.isEmpty()) {
      outliers.forEach((rule, b) -> {
        outlierChecks.add(RowCheck.outlier(rule, b.low(), b.high()));
        metrics.put("rule." + rule.name() + ".median", b.median());
        metrics.put("rule." + rule.name() + ".mad", b.mad());
      });
      Column[] counts = outlierChecks.stream().map(c -> sum(when(col(SuitePlan.DUP_RANK).equalTo(1)
          .and(c.failed()), 1).otherwise(0)).as(ruleMetric(c.rule()))).toArray(Column[]::new);
      Row outlierCounts = prepared.agg(counts[0], Arrays.copyOfRange(counts, 1, counts.length)).head();
      for (RowCheck c : outlierChecks) {
        metrics.put(ruleMetric(c.rule()), (double) longOf(outlierCounts, ruleMetric(c.rule())));
      }
    }
    return outlierChecks;
  }

  static void judgeDatasetRules(RunContext context, ValidationConfig suite, Row aggregate, long rows,
      Map<String, Double> metrics, List<String> errors, List<String> warnings) {
    for (RuleConfig rule : suite.rules()) {
      String problem = null;
      if (rule.kind().equals("row_count")) {
        metrics.put("rule." + rule.name() + ".value", (double) rows);
        if ((rule.min() != null && rows < rule.min()) || (rule.max() != null && rows > rule.max())) {
          problem = "rule " + rule.name() + ": " + rows + " rows outside [" + RowCheck.bound(rule.min()) + ", "
              + RowCheck.bound(rule.max()) + "]";
        }
      } else if (rule.kind().equals("freshness")) {
        int i = aggregate.fieldIndex("rule." + rule.name() + ".newest");
        ZoneId zone = ZoneId.of(context.spark().conf().get("spark.sql.session.timeZone"));
        Instant endOfRunDate = context.runDate().plusDays(1).atStartOfDay(zone).toInstant();
        Duration maxAge = RuleConfig.parseDuration(rule.maxAge());
        if (aggregate.isNullAt(i)) {
          problem = "rule " + rule.name() + ": " + rule.column() + " has no values, so freshness is unknown";
        } else {
          Instant newest = ((Timestamp) aggregate.get(i)).toInstant();
          Duration age = Duration.between(newest, endOfRunDate);
          metrics.put("rule." + rule.name() + ".age_hours", age.toMinutes() / 60.0);
          if (age.compareTo(maxAge) > 0) {
            problem = "rule " + rule.name() + ": newest " + rule.column() + " " + newest + " is " + age.toHours()
                + "h old at the end of run date " + context.runDate() + ", above max_age " + rule.maxAge();
          }
        }
      } else {
        continue;
      }
      metrics.put("rule." + rule.name() + ".failed", problem == null ? 0.0 : 1.0);
      if (problem != null) {
        (rule.isError() ? errors : warnings).add(problem);
      }
    }
  }

  static String ruleMetric(RuleConfig rule) {
    return "rule." + rule.name() + ".failed";
  }

  static long longOf(Row row, String field) {
    int i = row.fieldIndex(field);
    return row.isNullAt(i) ? 0 : ((Number) row.get(i)).longValue();
  }
}
