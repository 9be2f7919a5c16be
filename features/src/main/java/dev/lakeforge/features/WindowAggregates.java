package dev.lakeforge.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.config.Durations;
import dev.lakeforge.core.config.FeatureConfig;
import dev.lakeforge.core.spark.ColumnNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Trailing-window aggregates over an entity's history, strictly before each event.
 *
 * <p>Events are first summed per (entity, event time): count, sum, sum of squares, min and max of each input.
 * A window [t - lag - window, t - lag) is then the difference of two running totals, each a growing frame
 * (unbounded preceding up to an offset from the row's time in microseconds). Spark keeps a growing frame's
 * aggregate as it goes, so that costs O(rows); a sliding range frame would re-aggregate its whole buffer at every
 * row, O(rows x window), which on a busy entity with a 7-day window was most of the stage. Only min and max, which
 * cannot be subtracted, use sliding frames. NaN and infinite inputs are kept out of the totals (they would never
 * leave them) and make the sum, mean and stddev of each window that holds one NaN. All frames share the entity partitioning: one shuffle and one sort, no
 * self-join.
 */
final class WindowAggregates {
  static final String TIME_MICROS = "__time_us";

  private WindowAggregates() {}

  /** One row per distinct (entity, event time) of {@code events} with every aggregate feature as a double. */
  static Dataset<Row> compute(Dataset<Row> events, List<String> entity, String eventTime,
      List<FeatureConfig> aggregates, String where) {
    List<Column> partials = new ArrayList<>();
    for (FeatureConfig f : aggregates) {
      Column input = "count".equals(f.aggregate()) && f.of() == null
          ? lit(1.0) : Expressions.compile("feature '" + f.name() + "'", f.of()).cast("double");
      // A NaN or infinite value would stay in a running total for good; it is counted apart instead, and makes only
      // the windows that hold it NaN.
      Column finite = input.isNotNull().and(not(isnan(input))).and(input.notEqual(lit(Double.POSITIVE_INFINITY)))
          .and(input.notEqual(lit(Double.NEGATIVE_INFINITY)));
      partials.add(count(input).as(partial(f, "n")));
      partials.add(sum(when(finite, input)).as(partial(f, "sum")));
      partials.add(sum(when(finite, input.multiply(input))).as(partial(f, "sq")));
      partials.add(sum(when(input.isNotNull().and(not(finite)), 1L).otherwise(0L)).as(partial(f, "nonfinite")));
      partials.add(min(input).as(partial(f, "min")));
      partials.add(max(input).as(partial(f, "max")));
    }
    List<Column> groups = new ArrayList<>(entity.stream().map(ColumnNames::column).toList());
    groups.add(ColumnNames.column(eventTime));
    Dataset<Row> grouped = Expressions.analysed(where, () -> events.groupBy(groups.toArray(Column[]::new))
        .agg(partials.get(0), partials.subList(1, partials.size()).toArray(Column[]::new))
        .withColumn(TIME_MICROS, unix_micros(ColumnNames.column(eventTime).cast("timestamp"))));

    List<Column> out = new ArrayList<>(groups);
    for (FeatureConfig f : aggregates) {
      out.add(aggregate(entity, f).as(f.name()));
    }
    return grouped.select(out.toArray(Column[]::new));
  }

  private static Column aggregate(List<String> entity, FeatureConfig f) {
    long window = micros(Durations.parse(f.window(), "window"));
    long lag = micros(Durations.parse(f.lag(), "lag"));
    // Range bounds are inclusive: [t - lag - window, t - lag - 1us] is "the window strictly before t - lag".
    long last = -(lag + 1);
    long beforeFirst = -(lag + window + 1);
    Column n = inWindow(entity, partial(f, "n"), beforeFirst, last);
    Column total = inWindow(entity, partial(f, "sum"), beforeFirst, last);
    Column squares = inWindow(entity, partial(f, "sq"), beforeFirst, last);
    Column present = n.gt(0);
    Column nonFinite = inWindow(entity, partial(f, "nonfinite"), beforeFirst, last).gt(0);
    Column nan = lit(Double.NaN);
    return switch (f.aggregate()) {
      case "count" -> n.cast("double");
      case "sum" -> when(present, when(nonFinite, nan).otherwise(total));
      case "mean" -> when(present, when(nonFinite, nan).otherwise(total.divide(n)));
      case "min" -> min(ColumnNames.column(partial(f, "min"))).over(sliding(entity, beforeFirst + 1, last));
      case "max" -> max(ColumnNames.column(partial(f, "max"))).over(sliding(entity, beforeFirst + 1, last));
      // Sample standard deviation from the moments; tiny negative round-off is clamped to 0.
      case "stddev" -> when(n.gt(1), when(nonFinite, nan).otherwise(
          sqrt(greatest(lit(0.0), squares.minus(total.multiply(total).divide(n)).divide(n.minus(1))))));
      default -> throw new IllegalStateException("unknown aggregate " + f.aggregate());
    };
  }

  /** The sum of a partial column over rows timed in (t + beforeFirst, t + last]: two running totals subtracted. */
  private static Column inWindow(List<String> entity, String partialColumn, long beforeFirst, long last) {
    Column upToLast = coalesce(sum(ColumnNames.column(partialColumn)).over(growing(entity, last)), lit(0));
    Column upToBeforeFirst = coalesce(sum(ColumnNames.column(partialColumn)).over(growing(entity, beforeFirst)), lit(0));
    return upToLast.minus(upToBeforeFirst);
  }

  private static WindowSpec growing(List<String> entity, long upTo) {
    return byEntityInTime(entity).rangeBetween(Window.unboundedPreceding(), upTo);
  }

  private static WindowSpec sliding(List<String> entity, long from, long to) {
    return byEntityInTime(entity).rangeBetween(from, to);
  }

  private static WindowSpec byEntityInTime(List<String> entity) {
    return Window.partitionBy(entity.stream().map(ColumnNames::column).toArray(Column[]::new)).orderBy(col(TIME_MICROS));
  }

  private static String partial(FeatureConfig f, String what) {
    return "__" + f.name() + "_" + what;
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1000;
  }
}
