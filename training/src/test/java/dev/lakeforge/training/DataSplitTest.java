package dev.lakeforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.config.SplitConfig;
import dev.lakeforge.core.testing.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class DataSplitTest {
  /** 1000 rows: id 0..999, 50 customers, day = id mod 30. */
  static Dataset<Row> rows() {
    return SharedSpark.get().range(1000).selectExpr("id", "id % 50 as customer", "date_add(date'2020-01-01', cast(id % 30 as int)) as day");
  }

  @Test
  void timeSplitCutsAtTheDatesAndDropsRowsAfterTheWindow() {
    DataSplit split = new DataSplit(SplitConfig.byTime("day", "2020-01-21", "2020-01-26"), List.of());
    assertEquals(rows().filter("day < '2020-01-21'").count(), split.training(rows()).count());
    assertEquals(rows().filter("day >= '2020-01-21' and day < '2020-01-26'").count(), split.validation(rows()).count());
  }

  @Test
  void randomSplitIsSeededPartitionFreeAndComplete() {
    SplitConfig config = new SplitConfig("random", null, null, null, 0.25, 7L, null);
    DataSplit split = new DataSplit(config, List.of("id"));
    Dataset<Row> one = rows();
    Dataset<Row> reshuffled = rows().repartition(7);
    long validation = split.validation(one).count();
    assertEquals(1000, split.training(one).count() + validation, "every row on exactly one side");
    assertTrue(validation > 200 && validation < 300, "about a quarter: " + validation);
    assertEquals(split.validation(one).orderBy("id").collectAsList(),
        split.validation(reshuffled).orderBy("id").collectAsList(), "same rows whatever the partitioning");
    long otherSeed = new DataSplit(new SplitConfig("random", null, null, null, 0.25, 8L, null), List.of("id"))
        .validation(one).intersect(split.validation(one)).count();
    assertTrue(otherSeed < validation, "another seed draws other rows");
  }

  @Test
  void groupSplitNeverPutsACustomerOnBothSides() {
    DataSplit split = new DataSplit(new SplitConfig("group", null, null, null, 0.3, 1L, List.of("customer")),
        List.of("id"));
    Dataset<Row> train = split.training(rows()).select("customer").distinct();
    Dataset<Row> validate = split.validation(rows()).select("customer").distinct();
    assertEquals(0, train.intersect(validate).count());
    assertEquals(50, train.count() + validate.count());
    assertTrue(validate.count() > 5, "some customers validate: " + validate.count());
  }
}
