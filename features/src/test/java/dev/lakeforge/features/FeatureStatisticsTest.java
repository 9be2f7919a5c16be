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
}
