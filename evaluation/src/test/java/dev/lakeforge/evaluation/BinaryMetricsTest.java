package dev.lakeforge.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakeforge.core.testing.SharedSpark;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class BinaryMetricsTest {
  @Test
  void metricsMatchHandComputedValues() {
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("p", DataTypes.DoubleType);
    // Scores: positives 0.9, 0.6, 0.3; negatives 0.7, 0.2.
    Dataset<Row> rows = SharedSpark.get().createDataFrame(List.of(
        RowFactory.create(1.0, 0.9), RowFactory.create(1.0, 0.6), RowFactory.create(1.0, 0.3),
        RowFactory.create(0.0, 0.7), RowFactory.create(0.0, 0.2)), schema);
    Map<String, Double> m = BinaryMetrics.compute(rows, "label", "p", 0.5);
    // Threshold 0.5: tp = 2 (0.9, 0.6), fp = 1 (0.7), fn = 1 (0.3), tn = 1 (0.2).
    assertEquals(2.0, m.get("tp"));
    assertEquals(1.0, m.get("fp"));
    assertEquals(1.0, m.get("fn"));
    assertEquals(1.0, m.get("tn"));
    assertEquals(0.6, m.get("accuracy"), 1e-12);
    assertEquals(2.0 / 3, m.get("precision"), 1e-12);
    assertEquals(2.0 / 3, m.get("recall"), 1e-12);
    assertEquals(2.0 / 3, m.get("f1"), 1e-12);
    // Of 6 positive/negative pairs, 4 are ordered correctly: AUC = 4/6.
    assertEquals(4.0 / 6, m.get("auc_roc"), 1e-12);
    double logLoss = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.3) + Math.log(0.3) + Math.log(0.8)) / 5;
    assertEquals(logLoss, m.get("log_loss"), 1e-12);
    assertEquals(0.6, m.get("positive_rate"), 1e-12);
  }
}
