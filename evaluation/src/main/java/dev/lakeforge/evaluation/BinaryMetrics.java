package dev.lakeforge.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Binary classification metrics computed in Spark. AUC-ROC and AUC-PR come from Spark's evaluator, unbinned so
 * they are exact; log loss, Brier score and the confusion counts at the threshold from one aggregation; the ROC, PR
 * and calibration curves and the F1-maximising threshold from one grouped count over {@value #SCORE_BINS}
 * equal-width score bins. Only totals and bin counts reach the driver.
 */
public final class BinaryMetrics {
  /** Score bins of the curves; the F1-maximising threshold is searched on their lower edges. */
  public static final int SCORE_BINS = 1000;
  /** Every metric {@link #compute} returns, by name: what a gate on a binary model may name. */
  static final java.util.Set<String> NAMES = java.util.Set.of("rows", "positive_rate", "log_loss", "brier",
      "accuracy", "precision", "recall", "f1", "tp", "fp", "fn", "tn", "auc_roc", "auc_pr", "best_f1",
      "best_f1_threshold");
  private static final double EPS = 1e-15;

  /** A point of a curve. */
  public record Point(double x, double y) {}

  /** One bin of the reliability plot: rows whose probability fell in [lower, upper). */
  public record CalibrationBin(double lower, double upper, long rows, double meanPredicted, double observedRate) {}

  /**
   * @param roc         (false positive rate, true positive rate), from (0,0) to (1,1)
   * @param pr          (recall, precision), by falling threshold
   * @param confusion   [[tn, fp], [fn, tp]]: rows are the actual class, columns the predicted one
   */
  public record Result(Map<String, Double> metrics, List<Point> roc, List<Point> pr,
      List<CalibrationBin> calibration, long[][] confusion) {}

  private BinaryMetrics() {}

  /** Log loss, Brier and confusion terms for {@code agg}; shared with the per-slice aggregation. */
  static List<Column> totals(Column label, Column score, double threshold) {
    Column p = least(greatest(score, lit(EPS)), lit(1 - EPS));
    Column predicted = score.geq(threshold);
    return List.of(
        count(lit(1)).as("rows"),
        sum(label).as("positives"),
        sum(label.multiply(log(p)).plus(lit(1).minus(label).multiply(log(lit(1).minus(p))))).as("log_likelihood"),
        sum(pow(score.minus(label), 2)).as("squared_error"),
        sum(when(predicted.and(label.equalTo(1)), 1).otherwise(0)).as("tp"),
        sum(when(predicted.and(label.equalTo(0)), 1).otherwise(0)).as("fp"),
        sum(when(not(predicted).and(label.equalTo(1)), 1).otherwise(0)).as("fn"),
        sum(when(not(predicted).and(label.equalTo(0)), 1).otherwise(0)).as("tn"));
  }

  /** Metrics from one row of {@link #totals}, in the order {@link #totals} lists them, starting at {@code at}. */
  static Map<String, Double> fromTotals(Row t, int at) {
    long n = t.getLong(at);
    double tp = t.getLong(at + 4);
    double fp = t.getLong(at + 5);
    double fn = t.getLong(at + 6);
    double tn = t.getLong(at + 7);
    double precision = tp + fp == 0 ? 0 : tp / (tp + fp);
    double recall = tp + fn == 0 ? 0 : tp / (tp + fn);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("rows", (double) n);
    m.put("positive_rate", n == 0 ? Double.NaN : (tp + fn) / n);
    m.put("log_loss", n == 0 ? Double.NaN : -t.getDouble(at + 2) / n);
    m.put("brier", n == 0 ? Double.NaN : t.getDouble(at + 3) / n);
    m.put("accuracy", n == 0 ? Double.NaN : (tp + tn) / n);
    m.put("precision", precision);
    m.put("recall", recall);
    m.put("f1", f1(precision, recall));
    m.put("tp", tp);
    m.put("fp", fp);
    m.put("fn", fn);
    m.put("tn", tn);
    return m;
  }

  /**
   * @param scored rows with a 0/1 {@code labelCol} and the positive class's probability in {@code scoreCol}, neither
   *               null nor NaN (the caller checks)
   */
  public static Result compute(Dataset<Row> scored, String labelCol, String scoreCol, double threshold,
      int calibrationBins) {
    Column y = col(labelCol).cast("double");
    Column score = col(scoreCol);
    List<Column> totals = totals(y, score, threshold);
    Row t = scored.agg(totals.get(0), totals.subList(1, totals.size()).toArray(Column[]::new)).head();
    Map<String, Double> m = new LinkedHashMap<>();
    BinaryClassificationEvaluator evaluator = new BinaryClassificationEvaluator()
        .setLabelCol(labelCol).setRawPredictionCol(scoreCol).setNumBins(0);
    m.put("auc_roc", evaluator.setMetricName("areaUnderROC").evaluate(scored));
    m.put("auc_pr", evaluator.setMetricName("areaUnderPR").evaluate(scored));
    m.putAll(fromTotals(t, 0));

    // Pass 2: positives, rows and summed probability per score bin.
    Column bin = least(floor(score.multiply(SCORE_BINS)), lit(SCORE_BINS - 1)).cast("int");
    long[] rows = new long[SCORE_BINS];
    long[] positives = new long[SCORE_BINS];
    double[] probability = new double[SCORE_BINS];
    for (Row r : scored.groupBy(bin.as("bin")).agg(count(lit(1)), sum(y), sum(score)).collectAsList()) {
      rows[r.getInt(0)] = r.getLong(1);
      positives[r.getInt(0)] = (long) r.getDouble(2);
      probability[r.getInt(0)] = r.getDouble(3);
    }
    Curves curves = curves(rows, positives);
    m.put("best_f1", curves.bestF1);
    m.put("best_f1_threshold", curves.bestThreshold);
    long[][] confusion = {{(long) (double) m.get("tn"), (long) (double) m.get("fp")},
        {(long) (double) m.get("fn"), (long) (double) m.get("tp")}};
    return new Result(m, curves.roc, curves.pr, calibration(rows, positives, probability, calibrationBins),
        confusion);
  }

  private record Curves(List<Point> roc, List<Point> pr, double bestF1, double bestThreshold) {}

  /** Sweeps the threshold down the bin edges: at edge k every row in bins k.. is predicted positive. */
  static Curves curves(long[] rows, long[] positives) {
    long allPositives = 0;
    long all = 0;
    for (int i = 0; i < rows.length; i++) {
      allPositives += positives[i];
      all += rows[i];
    }
    long allNegatives = all - allPositives;
    List<Point> roc = new ArrayList<>(List.of(new Point(0, 0)));
    List<Point> pr = new ArrayList<>();
    double bestF1 = 0;
    double bestThreshold = 1;
    long tp = 0;
    long fp = 0;
    for (int k = rows.length - 1; k >= 0; k--) {
      if (rows[k] == 0) {
        continue;
      }
      tp += positives[k];
      fp += rows[k] - positives[k];
      double recall = allPositives == 0 ? 0 : (double) tp / allPositives;
      double precision = (double) tp / (tp + fp);
      roc.add(new Point(allNegatives == 0 ? 0 : (double) fp / allNegatives, recall));
      pr.add(new Point(recall, precision));
      double f1 = f1(precision, recall);
      if (f1 > bestF1) {
        bestF1 = f1;
        bestThreshold = (double) k / rows.length;
      }
    }
    return new Curves(roc, pr, bestF1, bestThreshold);
  }

  /** Merges the score bins into {@code bins} equal-width probability bins (edges exact to 1/{@value #SCORE_BINS}). */
  static List<CalibrationBin> calibration(long[] rows, long[] positives, double[] probability, int bins) {
    long[] n = new long[bins];
    long[] pos = new long[bins];
    double[] p = new double[bins];
    for (int k = 0; k < rows.length; k++) {
      int b = (int) ((long) k * bins / rows.length);
      n[b] += rows[k];
      pos[b] += positives[k];
      p[b] += probability[k];
    }
    List<CalibrationBin> out = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      out.add(new CalibrationBin((double) b / bins, (double) (b + 1) / bins, n[b],
          n[b] == 0 ? Double.NaN : p[b] / n[b], n[b] == 0 ? Double.NaN : (double) pos[b] / n[b]));
    }
    return out;
  }

  static double f1(double precision, double recall) {
    return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
  }
}
