package dev.lakeforge.evaluation;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * RMSE, MAE, R² and MAPE in one aggregation. MAPE skips rows whose label is 0 (their percentage error is
 * undefined) and says how many it skipped. The plots get a seeded sample of at most {@value #PLOT_POINTS} rows.
 */
public final class RegressionMetrics {
  static final int PLOT_POINTS = 2000;
  /** Every metric {@link #compute} returns, by name: what a gate on a regression model may name. */
  static final java.util.Set<String> NAMES = java.util.Set.of("rows", "rmse", "mae", "r2", "mape",
      "mape_rows_skipped");

  /** @param sample (actual, predicted) pairs for the plots */
  public record Result(Map<String, Double> metrics, List<BinaryMetrics.Point> sample) {}

  private RegressionMetrics() {}

  static List<Column> totals(Column y, Column yhat) {
    Column error = yhat.minus(y);
    return List.of(count(lit(1)).as("rows"), sum(pow(error, 2)).as("sse"), sum(abs(error)).as("sae"),
        sum(y).as("sum_y"), sum(pow(y, 2)).as("sum_y2"),
        sum(when(y.notEqual(0), abs(error).divide(abs(y)))).as("sape"),
        sum(when(y.notEqual(0), 1).otherwise(0)).as("nonzero"));
  }

  static Map<String, Double> fromTotals(Row t, int at) {
    double n = t.getLong(at);
    double sse = t.isNullAt(at + 1) ? 0 : t.getDouble(at + 1);
    double sst = t.isNullAt(at + 3) ? 0 : t.getDouble(at + 4) - Math.pow(t.getDouble(at + 3), 2) / n;
    long nonzero = t.getLong(at + 6);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("rows", n);
    m.put("rmse", n == 0 ? Double.NaN : Math.sqrt(sse / n));
    m.put("mae", n == 0 ? Double.NaN : t.getDouble(at + 2) / n);
    m.put("r2", sst <= 0 ? Double.NaN : 1 - sse / sst);
    m.put("mape", nonzero == 0 ? Double.NaN : t.getDouble(at + 5) / nonzero);
    m.put("mape_rows_skipped", n - nonzero);
    return m;
  }

  public static Result compute(Dataset<Row> scored, String labelCol, String predictionCol) {
    Column y = col(labelCol).cast("double");
    Column yhat = col(predictionCol).cast("double");
    List<Column> totals = totals(y, yhat);
    Row t = scored.agg(totals.get(0), totals.subList(1, totals.size()).toArray(Column[]::new)).head();
    Map<String, Double> m = fromTotals(t, 0);
    double fraction = Math.min(1.0, 1.5 * PLOT_POINTS / Math.max(1, m.get("rows")));
    List<BinaryMetrics.Point> sample = new ArrayList<>();
    for (Row r : scored.select(y, yhat).sample(false, fraction, 7).limit(PLOT_POINTS).collectAsList()) {
      sample.add(new BinaryMetrics.Point(r.getDouble(0), r.getDouble(1)));
    }
    return new Result(m, sample);
  }
}
