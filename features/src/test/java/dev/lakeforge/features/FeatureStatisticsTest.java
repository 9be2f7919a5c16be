package dev.lakeforge.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakeforge.core.testing.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class FeatureStatisticsTest {
  private static final String[] SUMMARY = {"feature", "rows", "nulls", "mean", "min", "max",
      "cast(bin_counts as string)", "cast(bin_means as string)"};

  @Test
  void namesWithDotsAndBackticksAreOneColumnEachAndEveryValueLandsInOneBin() {
    Dataset<Row> rows = SharedSpark.get().sql(
        "SELECT * FROM VALUES (1.0, 10), (2.0, 10), (3.0, CAST(NULL AS INT)), (4.0, 30) AS t(`a.b`, `c``d`)");

    List<Row> stats = FeatureStatistics.compute(rows, List.of("a.b", "c`d"), 7, null)
        .selectExpr(SUMMARY).collectAsList();

    // Bins lie between the distinct quantiles; with 4 and 3 values every value is its own quantile.
    assertEquals("[a.b,4,0,2.5,1.0,4.0,[0, 1, 1, 1, 1],[null, 1.0, 2.0, 3.0, 4.0]]", stats.get(0).toString());
    assertEquals("[c`d,4,1,16.666666666666668,10.0,30.0,[0, 2, 1],[null, 10.0, 30.0]]", stats.get(1).toString());
  }

  @Test
  void anEmptyTableHasZeroRowsAndNoValuesRatherThanNoStatistics() {
    Dataset<Row> rows = SharedSpark.get().sql("SELECT * FROM VALUES (1.0) AS t(x)").limit(0);

    List<Row> stats = FeatureStatistics.compute(rows, List.of("x"), 0, null).selectExpr(SUMMARY).collectAsList();

    assertEquals("[[x,0,0,null,null,null,[0],[null]]]", stats.toString());
  }

  @Test
  void onlyTheQuantilesComeFromTheSampleTheMomentsAndBinCountsAreExact() {
    long n = 300_000;
    Dataset<Row> rows = SharedSpark.get().range(n).selectExpr("cast(id as double) as x",
        "CASE WHEN id % 10 = 0 THEN NULL ELSE id END as y");
    Dataset<Row> sample = FeatureStatistics.quantileSample(rows, n);

    List<Row> stats = FeatureStatistics.compute(rows, sample, List.of("x", "y"), 0, null).collectAsList();
    Row x = stats.get(0);
    Row y = stats.get(1);

    // 0..n-1: mean (n-1)/2, sample stddev sqrt(n(n+1)/12), exact from the merged bins.
    assertEquals(n, x.<Long>getAs("rows"));
    assertEquals(0L, x.<Long>getAs("nulls"));
    assertEquals((n - 1) / 2.0, x.<Double>getAs("mean"), 1e-9);
    assertEquals(Math.sqrt(n * (n + 1) / 12.0), x.<Double>getAs("stddev"), 1e-6);
    assertEquals(0.0, x.<Double>getAs("min"));
    assertEquals(n - 1.0, x.<Double>getAs("max"));
    assertEquals(n / 10, y.<Long>getAs("nulls"));
    // The median from about 100,000 sampled rows: its rank within 5 standard errors (0.5 / sqrt(100,000) each).
    double median = x.<Double>getList(x.fieldIndex("quantiles")).get(4);
    assertEquals(n / 2.0, median, 5 * 0.5 / Math.sqrt(FeatureStatistics.QUANTILE_SAMPLE_ROWS) * n);
    // Every bin's count is the exact number of values between its edges, whatever the edges are.
    List<Double> edges = x.getList(x.fieldIndex("bin_edges"));
    List<Long> counts = x.getList(x.fieldIndex("bin_counts"));
    for (int b = 0; b <= edges.size(); b++) {
      String where = (b == 0 ? "true" : "x >= " + edges.get(b - 1))
          + (b == edges.size() ? "" : " AND x < " + edges.get(b));
      assertEquals(rows.filter(where).count(), counts.get(b), "bin " + b);
    }
  }
}
