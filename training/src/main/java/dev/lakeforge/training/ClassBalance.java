package dev.lakeforge.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.error.Errors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Class counts of the training rows, checked once: class balancing and the one-class refusal use them. */
final class ClassBalance {
  static final String WEIGHT = "_class_weight";

  private ClassBalance() {}

  /**
   * Rows per label value for a classifier; for regression only the NaN and infinite values are counted one by one
   * and every finite value is counted under 0.0 (a continuous label has as many values as rows: they are not
   * collected to the driver).
   */
  static Map<Double, Long> counts(Dataset<Row> rows, String label, TaskKind task) {
    if (task != TaskKind.REGRESSION) {
      return counts(rows, label);
    }
    Column y = col(label).cast("double");
    Column key = when(y.isNull(), lit(null).cast("double")).when(y.isNaN().or(y.equalTo(Double.POSITIVE_INFINITY)).or(y.equalTo(Double.NEGATIVE_INFINITY)), y)
        .otherwise(lit(0.0));
    Map<Double, Long> counts = new LinkedHashMap<>();
    for (Row row : rows.groupBy(key).agg(count(lit(1))).collectAsList()) {
      counts.put(row.isNullAt(0) ? null : row.getDouble(0), row.getLong(1));
    }
    return counts;
  }

  /** Rows per label value, in one aggregation. */
  static Map<Double, Long> counts(Dataset<Row> rows, String label) {
    Map<Double, Long> counts = new LinkedHashMap<>();
    for (Row row : rows.groupBy(col(label).cast("double")).agg(count(lit(1))).collectAsList()) {
      counts.put(row.isNullAt(0) ? null : row.getDouble(0), row.getLong(1));
    }
    return counts;
  }

  /** Rows per value of a string label, in one aggregation. */
  static Map<String, Long> textCounts(Dataset<Row> rows, String label) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Row row : rows.groupBy(col(label)).agg(count(lit(1))).collectAsList()) {
      counts.put(row.isNullAt(0) ? null : row.getString(0), row.getLong(1));
    }
    return counts;
  }

  /**
   * Removes the null key (rows without a label) from {@code counts} and returns its count. The maps are the
   * mutable ones {@link #counts} and {@link #textCounts} return.
   */
  static <K> long removeUnlabelled(Map<K, Long> counts) {
    Long unlabelled = counts.remove(null);
    return unlabelled == null ? 0 : unlabelled;
  }

  /** XGBoost's scale_pos_weight for {@code auto}: negatives ÷ positives. */
  static double negativesPerPositive(Dataset<Row> rows, String label) {
    Map<Double, Long> counts = counts(rows, label);
    long positives = counts.getOrDefault(1.0, 0L);
    long negatives = counts.getOrDefault(0.0, 0L);
    if (positives == 0) {
      throw Errors.featureInput("label '" + label + "'", "has no positive rows in the training split",
          "check the label expression and the split; scale_pos_weight=auto needs both classes");
    }
    return (double) negatives / positives;
  }

  /**
   * Adds {@link #WEIGHT}: each class's rows weigh total ÷ (classes × class rows), so every class weighs the same
   * in total (scikit-learn's "balanced").
   */
  static Dataset<Row> withBalancedWeights(Dataset<Row> rows, String label, Map<Double, Long> counts) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    Column weight = lit(1.0);
    for (Map.Entry<Double, Long> entry : counts.entrySet()) {
      if (entry.getKey() != null) {
        weight = when(col(label).cast("double").equalTo(entry.getKey()),
            lit((double) total / (counts.size() * entry.getValue()))).otherwise(weight);
      }
    }
    return rows.withColumn(WEIGHT, weight);
  }

  /** Refuses a classification label with fewer than two classes, naming the label and what it holds. */
  static void requireTwoClasses(Map<Double, Long> counts, String label, TaskKind task) {
    List<Double> classes = counts.keySet().stream().filter(java.util.Objects::nonNull).toList();
    if (task != TaskKind.REGRESSION && classes.size() < 2) {
      throw Errors.featureInput("label '" + label + "'", "has " + (classes.isEmpty() ? "no rows"
          : "one class only (" + classes.get(0) + ")") + " in the training split",
          "a " + task + " model needs at least two classes: check the label expression, the spine filter and the split");
    }
  }
}
