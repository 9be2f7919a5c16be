package dev.lakeforge.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.config.SliceConfig;
import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.testing.SharedSpark;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Every metric against values computed by hand on five rows. */
class BinaryMetricsTest {
  // Scores: positives 0.9, 0.6 (shop a), 0.3 (shop b); negatives 0.7 (shop a), 0.2 (shop b).
  static Dataset<Row> fiveRows() {
    StructType schema = new StructType().add(EvaluateStage.LABEL, DataTypes.DoubleType)
        .add(EvaluateStage.SCORE, DataTypes.DoubleType).add("shop", DataTypes.StringType);
    return SharedSpark.get().createDataFrame(List.of(
        RowFactory.create(1.0, 0.9, "a"), RowFactory.create(1.0, 0.6, "a"), RowFactory.create(1.0, 0.3, "b"),
        RowFactory.create(0.0, 0.7, "a"), RowFactory.create(0.0, 0.2, "b")), schema);
  }

  @Test
  void metricsMatchHandComputedValues() {
    BinaryMetrics.Result r = BinaryMetrics.compute(fiveRows(), EvaluateStage.LABEL, EvaluateStage.SCORE, 0.5, 2);
    Map<String, Double> m = r.metrics();
    assertEquals(BinaryMetrics.NAMES, m.keySet(), "the names a gate may use are exactly those computed");
    // Threshold 0.5: tp = 2 (0.9, 0.6), fp = 1 (0.7), fn = 1 (0.3), tn = 1 (0.2).
    assertArrayEquals(new long[][] {{1, 1}, {1, 2}}, r.confusion());
    assertEquals(0.6, m.get("accuracy"), 1e-12);
    assertEquals(2.0 / 3, m.get("precision"), 1e-12);
    assertEquals(2.0 / 3, m.get("recall"), 1e-12);
    assertEquals(2.0 / 3, m.get("f1"), 1e-12);
    // Of 6 positive/negative pairs, 4 are ordered correctly: AUC = 4/6.
    assertEquals(4.0 / 6, m.get("auc_roc"), 1e-12);
    double logLoss = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.3) + Math.log(0.3) + Math.log(0.8)) / 5;
    assertEquals(logLoss, m.get("log_loss"), 1e-12);
    assertEquals((0.01 + 0.16 + 0.49 + 0.49 + 0.04) / 5, m.get("brier"), 1e-12);
    assertEquals(0.6, m.get("positive_rate"), 1e-12);
    // Predicting positive from 0.3 up: tp 3, fp 1 -> precision 3/4, recall 1, F1 6/7; every other cut is lower.
    assertEquals(6.0 / 7, m.get("best_f1"), 1e-12);
    assertTrue(m.get("best_f1_threshold") > 0.2 && m.get("best_f1_threshold") <= 0.3, "" + m.get("best_f1_threshold"));
    // ROC from (0,0) through the four distinct cuts to (1,1).
    assertEquals(new BinaryMetrics.Point(0, 0), r.roc().get(0));
    assertEquals(new BinaryMetrics.Point(1, 1), r.roc().get(r.roc().size() - 1));
    assertEquals(6, r.roc().size());
    // Two calibration bins: [0, 0.5) holds 0.3 (positive) and 0.2; [0.5, 1) holds 0.9, 0.6 (positives) and 0.7.
    assertEquals(2, r.calibration().get(0).rows());
    assertEquals(0.25, r.calibration().get(0).meanPredicted(), 1e-12);
    assertEquals(0.5, r.calibration().get(0).observedRate(), 1e-12);
    assertEquals(2.2 / 3, r.calibration().get(1).meanPredicted(), 1e-12);
    assertEquals(2.0 / 3, r.calibration().get(1).observedRate(), 1e-12);
  }

  @Test
  void slicesHaveTheirOwnMetricsAndEmptyOrOneClassSlicesSaySo() {
    List<SliceMetrics.Slice> top = SliceMetrics.compute(fiveRows(), TaskKind.BINARY, new SliceConfig("shop", 1, null, 1), 0.5);
    assertEquals(1, top.size(), "top 1 by rows");
    assertEquals("a", top.get(0).value());
    assertEquals(3.0, top.get(0).metrics().get("rows"));
    // Shop a: positives 0.9 and 0.6 against the negative 0.7: one of two pairs ordered.
    assertEquals(0.5, top.get(0).metrics().get("auc_roc"), 1e-12);
    assertEquals(2.0 / 3, top.get(0).metrics().get("accuracy"), 1e-12);

    List<SliceMetrics.Slice> chosen = SliceMetrics.compute(fiveRows().filter("NOT (shop = 'b' AND "
        + EvaluateStage.LABEL + " = 0)"), TaskKind.BINARY, new SliceConfig("shop", null, List.of("b", "zz", "a"), 1), 0.5);
    assertEquals(List.of("b", "zz", "a"), chosen.stream().map(SliceMetrics.Slice::value).toList());
    assertTrue(Double.isNaN(chosen.get(0).metrics().get("auc_roc")));
    assertEquals("one class only: AUC is undefined", chosen.get(0).note());
    assertEquals(0.0, chosen.get(1).metrics().get("rows"));
    assertEquals("no rows in the evaluated split", chosen.get(1).note());
    assertEquals(0.5, chosen.get(2).metrics().get("auc_roc"), 1e-12);
  }

  @Test
  void aSliceValueBelowMinRowsHasItsRowCountAndNoMetrics() {
    // Shop a has 3 rows, shop b 2: with min_rows 3, a keeps its metrics and b is reported as insufficient.
    List<SliceMetrics.Slice> top = SliceMetrics.compute(fiveRows(), TaskKind.BINARY, new SliceConfig("shop", 2, null, 3),
        0.5);
    assertEquals(List.of("a", "b"), top.stream().map(SliceMetrics.Slice::value).toList(), "still listed, in order");
    assertEquals(0.5, top.get(0).metrics().get("auc_roc"), 1e-12);
    assertEquals(Map.of("rows", 2.0), top.get(1).metrics(), "the row count and nothing else");
    assertEquals("insufficient data: 2 rows, fewer than min_rows 3; no metrics", top.get(1).note());
    assertEquals(30, new SliceConfig("shop", null, null).minRows(), "the documented default");
  }

  @Test
  void rankAucEqualsSparksEvaluatorWithTies() {
    Dataset<Row> rows = SharedSpark.get().range(2000).selectExpr(
        "CAST(id % 3 = 0 OR id % 7 = 0 AS DOUBLE) AS y", "CAST(round((id * 7919 % 1000) / 1000.0 + IF(id % 3 = 0, 0.3, 0), 1) AS DOUBLE) AS s");
    double spark = BinaryMetrics.compute(rows, "y", "s", 0.5, 10).metrics().get("auc_roc");
    double rank = RankAuc.byGroup(rows, org.apache.spark.sql.functions.lit("all"),
        org.apache.spark.sql.functions.col("y"), org.apache.spark.sql.functions.col("s")).get("all");
    assertEquals(spark, rank, 1e-12);
    assertTrue(spark > 0.6, "the planted signal is found: " + spark);
  }

  @Test
  void regressionMetricsMatchHandComputedValues() {
    StructType schema = new StructType().add("y", DataTypes.DoubleType).add("p", DataTypes.DoubleType);
    Dataset<Row> rows = SharedSpark.get().createDataFrame(List.of(RowFactory.create(1.0, 1.5),
        RowFactory.create(2.0, 2.0), RowFactory.create(3.0, 2.5), RowFactory.create(4.0, 5.0),
        RowFactory.create(0.0, 0.0)), schema);
    Map<String, Double> m = RegressionMetrics.compute(rows, "y", "p").metrics();
    // Errors 0.5, 0, -0.5, 1, 0: SSE 1.5 over 5 rows; mean label 2, SST 10.
    assertEquals(Math.sqrt(1.5 / 5), m.get("rmse"), 1e-12);
    assertEquals(2.0 / 5, m.get("mae"), 1e-12);
    assertEquals(1 - 1.5 / 10, m.get("r2"), 1e-12);
    // MAPE skips the row whose label is 0.
    assertEquals((0.5 + 0 + 0.5 / 3 + 0.25) / 4, m.get("mape"), 1e-12);
    assertEquals(1.0, m.get("mape_rows_skipped"));
  }

  @Test
  void multiclassMetricsMatchHandComputedValues() {
    StructType schema = new StructType().add("y", DataTypes.DoubleType).add("p", DataTypes.DoubleType)
        .add("prob", DataTypes.createArrayType(DataTypes.DoubleType));
    Dataset<Row> rows = SharedSpark.get().createDataFrame(List.of(
        RowFactory.create(0.0, 0.0, List.of(0.8, 0.1, 0.1)), RowFactory.create(1.0, 2.0, List.of(0.2, 0.3, 0.5)),
        RowFactory.create(2.0, 2.0, List.of(0.1, 0.1, 0.8)), RowFactory.create(2.0, 2.0, List.of(0.3, 0.2, 0.5))),
        schema);
    MulticlassMetrics.Result r = MulticlassMetrics.compute(rows, "y", "p", "prob", 3);
    assertArrayEquals(new long[][] {{1, 0, 0}, {0, 0, 1}, {0, 0, 2}}, r.confusion());
    assertEquals(0.75, r.metrics().get("accuracy"), 1e-12);
    assertEquals(-(Math.log(0.8) + Math.log(0.3) + Math.log(0.8) + Math.log(0.5)) / 4, r.metrics().get("log_loss"),
        1e-12);
    // Per class: precision 1, 0, 2/3; recall 1, 0, 1; F1 1, 0, 0.8.
    assertEquals((1 + 0 + 0.8) / 3, r.metrics().get("macro_f1"), 1e-12);
    assertEquals(0.25 * 1 + 0.25 * 0 + 0.5 * 0.8, r.metrics().get("weighted_f1"), 1e-12);
    assertEquals(0.25 * 1 + 0.5 * 2.0 / 3, r.metrics().get("weighted_precision"), 1e-12);
  }
}
