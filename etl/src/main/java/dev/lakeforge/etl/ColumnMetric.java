package dev.lakeforge.etl;

import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.spark.ColumnNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One column metric of a validation suite, {@code column.<column>.<statistic>}, over the rows kept after
 * deduplication: defined, turned into an aggregate of the suite's one aggregation, and read back from its result
 * here alone (as Deequ's analyzers are).
 */
record ColumnMetric(String column, Statistic statistic) {
  /**
   * Relative standard deviation of {@code distinct_approx}: Spark's {@code approx_count_distinct} (HyperLogLog++,
   * Heule, Nunkesser and Hall, EDBT 2013) at its default precision.
   */
  static final double DISTINCT_RELATIVE_SD = 0.05;

  /** What is measured; the numeric ones apply only to numeric columns. */
  enum Statistic {
    /** Share of kept rows where the column is not null, 0 to 1 (null when no row is kept). */
    COMPLETENESS("completeness", false),
    /** Estimated distinct non-null values, within {@link #DISTINCT_RELATIVE_SD} relative standard deviation. */
    DISTINCT_APPROX("distinct_approx", false),
    MIN("min", true),
    MAX("max", true),
    MEAN("mean", true),
    /** Sample standard deviation. */
    STDDEV("stddev", true);

    final String key;
    final boolean numericOnly;

    Statistic(String key, boolean numericOnly) {
      this.key = key;
      this.numericOnly = numericOnly;
    }

    /** Whether the value is an estimate, whose noise an anomaly check must allow for. */
    boolean approximate() {
      return this == DISTINCT_APPROX;
    }

    static Optional<Statistic> of(String key) {
      return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }

    static String keys() {
      return String.join(", ", Arrays.stream(values()).map(s -> s.key).toList());
    }
  }

  static final String PREFIX = "column.";

  /** The metric's name in {@code quality.metrics} and in anomaly checks. */
  String name() {
    return PREFIX + column + "." + statistic.key;
  }

  /**
   * Every metric of every data column (names not starting with '_'), for a suite with {@code metrics: all}.
   */
  static List<ColumnMetric> all(StructType schema) {
    List<ColumnMetric> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (!f.name().startsWith("_")) {
        for (Statistic s : Statistic.values()) {
          if (!s.numericOnly || f.dataType() instanceof NumericType) {
            out.add(new ColumnMetric(f.name(), s));
          }
        }
      }
    }
    return out;
  }

  /**
   * The column metric {@code metric} names, checked against the batch's schema; empty when it names no column metric
   * (rows_in, rule.*).
   *
   * @throws IllegalArgumentException saying why, when it starts with {@code column.} but names no column of
   *     {@code schema}, an unknown statistic, or a numeric statistic of a non-numeric column
   */
  static Optional<ColumnMetric> parse(String metric, StructType schema) {
    if (!metric.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int dot = metric.lastIndexOf('.');
    String column = dot > PREFIX.length() ? metric.substring(PREFIX.length(), dot) : "";
    String key = metric.substring(dot + 1);
    Statistic statistic = Statistic.of(key).orElseThrow(() -> new IllegalArgumentException(
        key.equals("distinct") ? "the distinct count is estimated, so its metric is " + PREFIX + column
            + ".distinct_approx" : "'" + key + "' is not a column statistic (one of " + Statistic.keys() + ")"));
    StructField field = Arrays.stream(schema.fields()).filter(f -> f.name().equals(column)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("column '" + column + "' is not in the batch (its columns: "
            + RowCheck.describeColumns(schema.fieldNames()) + ")"));
    if (statistic.numericOnly && !(field.dataType() instanceof NumericType)) {
      throw new IllegalArgumentException(statistic.key + " needs a numeric column but " + column + " is "
          + field.dataType().simpleString());
    }
    return Optional.of(new ColumnMetric(column, statistic));
  }

  /** The aggregate computing this metric over the rows where {@code kept} holds. */
  Column aggregate(Column kept, StructType schema) {
    Column value = when(kept, ColumnNames.column(column));
    return switch (statistic) {
      case COMPLETENESS -> count(value);
      case DISTINCT_APPROX -> approx_count_distinct(
          when(kept, ColumnNames.comparable(column, schema.apply(column).dataType())), DISTINCT_RELATIVE_SD);
      case MIN -> min(value).cast("double");
      case MAX -> max(value).cast("double");
      case MEAN -> avg(value);
      case STDDEV -> stddev_samp(value);
    };
  }

  /** This metric's value from the aggregation's row, given how many rows were kept; null when undefined. */
  Double value(Row aggregate, long keptRows) {
    int i = aggregate.fieldIndex(name());
    if (aggregate.isNullAt(i)) {
      return null;
    }
    double v = ((Number) aggregate.get(i)).doubleValue();
    return statistic == Statistic.COMPLETENESS ? (keptRows == 0 ? null : v / keptRows) : v;
  }
}
