package dev.lakeforge.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * AUC-ROC of many groups at once, exactly, as the Mann–Whitney statistic: rows are counted per (group, distinct
 * score), a running sum over each group's scores gives every score's average rank (ties share it, which is the
 * trapezoid rule), and AUC = (rank sum of positives − P(P+1)/2) / (P·N). One shuffle and one sort; Spark's
 * evaluator would need a pass per group.
 */
final class RankAuc {
  private RankAuc() {}

  /** AUC per value of {@code group}; a group with one class only has none (absent from the map). */
  static Map<String, Double> byGroup(Dataset<Row> rows, Column group, Column label, Column score) {
    Dataset<Row> perScore = rows.groupBy(group.as("g"), score.as("s"))
        .agg(count(lit(1)).as("n"), sum(label.cast("double")).as("pos"));
    WindowSpec upToHere = Window.partitionBy("g").orderBy("s")
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> ranked = perScore.withColumn("rank_end", sum("n").over(upToHere))
        .withColumn("average_rank", col("rank_end").minus(col("n").minus(1).divide(2.0)));
    Map<String, Double> out = new HashMap<>();
    for (Row r : ranked.groupBy("g").agg(sum(col("pos").multiply(col("average_rank"))), sum("pos"), sum("n"))
        .collectAsList()) {
      double rankSum = r.getDouble(1);
      double p = r.getDouble(2);
      double n = r.getLong(3) - p;
      if (p > 0 && n > 0) {
        out.put(r.isNullAt(0) ? null : r.get(0).toString(), (rankSum - p * (p + 1) / 2) / (p * n));
      }
    }
    return out;
  }
}
