package dev.lakeforge.etl;

import static org.apache.spark.sql.functions.col;

import dev.lakeforge.core.config.AnomalyConfig;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.RunDate;
import dev.lakeforge.core.table.Slice;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.table.TableWrite;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The table {@code quality.metrics}: one row per (entity, run date, metric), so every validation run leaves its
 * numbers behind and anomaly checks can compare a run with the runs before it. A rerun of a run date replaces
 * that date's rows.
 */
final class QualityHistory {
  static final TableRef TABLE = TableRef.of("quality", "metrics");
  static final StructType SCHEMA = StructType.fromDDL("pipeline STRING, entity STRING, source_table STRING, "
      + "source_version BIGINT, run_id STRING, run_date DATE, metric STRING, value DOUBLE, recorded_at TIMESTAMP");

  private final RunContext context;

  QualityHistory(RunContext context) {
    this.context = context;
  }

  /** Appends this run's metrics for {@code entity}, replacing any earlier run of the same run date. */
  TableVersion record(String entity, TableVersion source, Map<String, Double> metrics) {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    List<Row> rows = new ArrayList<>();
    metrics.forEach((metric, value) -> rows.add(RowFactory.create(context.config().pipeline(), entity,
        source.table(), source.version(), context.runId(), RunDate.value(context.runDate()), metric, value, now)));
    Dataset<Row> frame = context.spark().createDataFrame(rows, SCHEMA).coalesce(1);
    Slice sameRun = RunDate.slice(TABLE, context.runDate()).and("entity", entity);
    return context.lake().write(frame, TableWrite.replace(TABLE, sameRun)).version();
  }

  /** Earlier values of one metric, newest run date first, at most {@code limit}. */
  List<Double> previous(String entity, String metric, int limit) {
    Lake lake = context.lake();
    if (!lake.exists(TABLE)) {
      return List.of();
    }
    return lake.read(TABLE).rows()
        .filter(col("entity").equalTo(entity).and(col("metric").equalTo(metric))
            .and(col(RunDate.COLUMN).lt(RunDate.literal(context.runDate()))).and(col("value").isNotNull()))
        .orderBy(col(RunDate.COLUMN).desc()).limit(limit).select("value").collectAsList().stream()
        .map(r -> r.getDouble(0)).toList();
  }

  /** The verdict of one anomaly check: empty when it passes or lacks history, else why it failed. */
  static java.util.Optional<String> judge(AnomalyConfig check, Double current, List<Double> history) {
    if (current == null || history.size() < check.minHistory()) {
      return java.util.Optional.empty();
    }
    double previous = history.get(0);
    return switch (check.kind()) {
      case "absolute_change" -> {
        double change = Math.abs(current - previous);
        yield change > check.max() ? java.util.Optional.of(String.format("%s %s changed by %s (from %s to %s), "
            + "more than %s", check.name(), check.metric(), fmt(change), fmt(previous), fmt(current),
            fmt(check.max()))) : java.util.Optional.empty();
      }
      case "relative_change" -> {
        double change = previous == 0 ? (current == 0 ? 0 : Double.POSITIVE_INFINITY)
            : Math.abs(current - previous) / Math.abs(previous);
        yield change > check.max() ? java.util.Optional.of(String.format("%s %s changed by %.1f%% (from %s to %s), "
            + "more than %.1f%%", check.name(), check.metric(), 100 * change, fmt(previous), fmt(current),
            100 * check.max())) : java.util.Optional.empty();
      }
      default -> {
        List<Double> window = history.subList(0, Math.min(check.window(), history.size()));
        double mean = window.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double var = window.size() < 2 ? 0 : window.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum()
            / (window.size() - 1);
        double sd = Math.sqrt(var);
        yield Math.abs(current - mean) > check.k() * sd ? java.util.Optional.of(String.format(
            "%s %s = %s is outside mean ± %s·stddev of the last %d runs (%s ± %s)", check.name(), check.metric(),
            fmt(current), fmt(check.k()), window.size(), fmt(mean), fmt(sd))) : java.util.Optional.empty();
      }
    };
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format("%.4g", v);
  }
}
