package dev.lakeforge.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Binary classification metrics computed in Spark: AUC-ROC and AUC-PR by Spark's evaluator, everything else
 * (log loss, confusion counts and the rates derived from them) in one aggregation. Nothing is collected but the
 * totals.
 */
public final class BinaryMetrics {
  private static final double EPS = 1e-15;

  private BinaryMetrics() {}

  /**
   * @param scored rows with a 0/1 {@code labelCol} and a probability of the positive class in {@code scoreCol}
   */
  public static Map<String, Double> compute(Dataset<Row> scored, String labelCol, String scoreCol, double threshold) {
    Column y = col(labelCol);
    Column p = least(greatest(col(scoreCol), lit(EPS)), lit(1 - EPS));
    Column predicted = col(scoreCol).geq(threshold);
    Row t = scored.agg(
        count(lit(1)),
        sum(y.multiply(log(p)).plus(lit(1).minus(y).multiply(log(lit(1).minus(p))))),
        sum(when(predicted.and(y.equalTo(1)), 1).otherwise(0)),
        sum(when(predicted.and(y.equalTo(0)), 1).otherwise(0)),
        sum(when(not(predicted).and(y.equalTo(1)), 1).otherwise(0)),
        sum(when(not(predicted).and(y.equalTo(0)), 1).otherwise(0))).head();
    long n = t.getLong(0);
    if (n == 0) {
      throw new IllegalArgumentException("no rows to evaluate");
    }
    double tp = t.getLong(2);
    double fp = t.getLong(3);
    double fn = t.getLong(4);
    double tn = t.getLong(5);
    double precision = tp + fp == 0 ? 0 : tp / (tp + fp);
    double recall = tp + fn == 0 ? 0 : tp / (tp + fn);
    Map<String, Double> m = new LinkedHashMap<>();
    BinaryClassificationEvaluator evaluator = new BinaryClassificationEvaluator()
        .setLabelCol(labelCol).setRawPredictionCol(scoreCol);
    m.put("auc_roc", evaluator.setMetricName("areaUnderROC").evaluate(scored));
    m.put("auc_pr", evaluator.setMetricName("areaUnderPR").evaluate(scored));
    m.put("log_loss", -t.getDouble(1) / n);
    m.put("accuracy", (tp + tn) / n);
    m.put("precision", precision);
    m.put("recall", recall);
    m.put("f1", precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
    m.put("positive_rate", (tp + fn) / n);
    m.put("rows", (double) n);
    m.put("tp", tp);
    m.put("fp", fp);
    m.put("fn", fn);
    m.put("tn", tn);
    return m;
  }
}
