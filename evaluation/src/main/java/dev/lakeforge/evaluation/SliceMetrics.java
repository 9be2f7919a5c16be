package dev.lakeforge.evaluation;

import static org.apache.spark.sql.functions.asc;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.config.SliceConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The evaluation's metrics per value of a column: one grouped aggregation for every value's totals, the top values
 * by rows (or the configured ones) picked in Spark, and for binary models their AUC in one more pass
 * ({@link RankAuc}). A configured value without rows is reported as empty, not dropped; one with fewer than the
 * slice's {@code min_rows} rows is reported with its row count and {@link #INSUFFICIENT}, without metrics.
 */
public final class SliceMetrics {
  static final String NULL_VALUE = "(null)";
  /** The note of a slice value with fewer rows than its min_rows. */
  public static final String INSUFFICIENT = "insufficient data";

  /** One slice: its metrics, or a note saying why some are missing. */
  public record Slice(String column, String value, Map<String, Double> metrics, String note) {}

  private SliceMetrics() {}

  public static List<Slice> compute(Dataset<Row> scored, TaskKind task, SliceConfig slice, double threshold) {
    Column key = coalesce(ColumnNames.column(slice.column()).cast("string"), lit(NULL_VALUE));
    Column y = col(EvaluateStage.LABEL).cast("double");
    List<Column> totals = switch (task) {
      case BINARY -> BinaryMetrics.totals(y, col(EvaluateStage.SCORE), threshold);
      case REGRESSION -> RegressionMetrics.totals(y, col(EvaluateStage.PREDICTION).cast("double"));
      default -> List.of(count(lit(1)).as("rows"),
          sum(when(col(EvaluateStage.PREDICTION).equalTo(y), 1).otherwise(0)).as("correct"));
    };
    Dataset<Row> keyed = scored.withColumn("_slice", key);
    Dataset<Row> perValue = keyed.groupBy("_slice").agg(totals.get(0),
        totals.subList(1, totals.size()).toArray(Column[]::new));
    List<Row> chosen = slice.values() != null
        ? perValue.filter(col("_slice").isin(slice.values().toArray())).collectAsList()
        : perValue.orderBy(desc("rows"), asc("_slice")).limit(slice.top()).collectAsList();

    Map<String, Map<String, Double>> byValue = new LinkedHashMap<>();
    Map<String, Long> tooFew = new LinkedHashMap<>();
    for (Row r : chosen) {
      if (r.getLong(1) < slice.minRows()) {
        tooFew.put(r.getString(0), r.getLong(1));
        continue;
      }
      Map<String, Double> m = switch (task) {
        case BINARY -> BinaryMetrics.fromTotals(r, 1);
        case REGRESSION -> RegressionMetrics.fromTotals(r, 1);
        default -> new LinkedHashMap<>(Map.of("rows", (double) r.getLong(1),
            "accuracy", (double) r.getLong(2) / r.getLong(1)));
      };
      byValue.put(r.getString(0), m);
    }
    Map<String, Double> auc = task == TaskKind.BINARY && !byValue.isEmpty()
        ? RankAuc.byGroup(keyed.filter(col("_slice").isin(byValue.keySet().toArray())), col("_slice"), y,
            col(EvaluateStage.SCORE))
        : Map.of();

    List<Slice> out = new ArrayList<>();
    List<String> order = slice.values() != null ? slice.values() : chosen.stream().map(r -> r.getString(0)).toList();
    for (String value : order) {
      Map<String, Double> m = byValue.get(value);
      if (tooFew.containsKey(value)) {
        out.add(new Slice(slice.column(), value, Map.of("rows", (double) tooFew.get(value)), INSUFFICIENT + ": "
            + tooFew.get(value) + " rows, fewer than min_rows " + slice.minRows() + "; no metrics"));
        continue;
      }
      if (m == null) {
        out.add(new Slice(slice.column(), value, Map.of("rows", 0.0), "no rows in the evaluated split"));
        continue;
      }
      String note = null;
      if (task == TaskKind.BINARY) {
        Double a = auc.get(value);
        m.put("auc_roc", a == null ? Double.NaN : a);
        if (a == null) {
          note = "one class only: AUC is undefined";
        }
      }
      out.add(new Slice(slice.column(), value, m, note));
    }
    return out;
  }
}
