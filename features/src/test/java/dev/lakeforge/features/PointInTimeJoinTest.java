package dev.lakeforge.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakeforge.core.testing.SharedSpark;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class PointInTimeJoinTest {
  @Test
  void equalsTheNaiveJoinAndRowNumberOnRandomRows() {
    SparkSession spark = SharedSpark.get();
    // 3,000 spine rows and 3,000 feature rows over 20 entities and 2,000 distinct seconds: many ties and gaps.
    Dataset<Row> spine = spark.sql("select id, cast(id * 7919 % 20 as string) k, "
        + "timestamp_seconds(1577836800 + id * 104729 % 2000) t from range(3000)");
    Dataset<Row> features = spark.sql("select k, t, max(v) v from (select cast(id * 31 % 20 as string) k, "
        + "timestamp_seconds(1577836800 + id * 7907 % 2000) t, cast(id as double) v from range(3000)) group by k, t");
    spine.createOrReplaceTempView("pit_spine");
    features.createOrReplaceTempView("pit_features");
    List<Row> naive = spark.sql("""
        select id, v from (
          select s.id, f.v, row_number() over (partition by s.id order by f.t desc) r
          from pit_spine s left join pit_features f on s.k = f.k and f.t <= s.t and f.t >= s.t - interval 300 seconds)
        where r = 1 order by id""").collectAsList();
    List<Row> ours = PointInTimeJoin.asOf(spine, "t", features, List.of("k"), "t", List.of("v"),
        Optional.of(Duration.ofSeconds(300))).orderBy("id").select("id", "v").collectAsList();
    assertEquals(naive, ours);
    assertEquals(3000, ours.size());
  }

  @Test
  void spineColumnsWithDotsAndBackticksComeThroughUnchanged() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> spine = spark.sql("select * from values ('a', timestamp'2026-01-02 00:00:00', 1, 2) "
        + "as s(k, t, `gate.no`, `odd``name`)");
    Dataset<Row> features = spark.sql("select * from values ('a', timestamp'2026-01-01 00:00:00', 9.5) as f(k, t, v)");

    Dataset<Row> joined = PointInTimeJoin.asOf(spine, "t", features, List.of("k"), "t", List.of("v"),
        Optional.empty());

    assertEquals(List.of("k", "t", "gate.no", "odd`name", "v"), List.of(joined.columns()));
    assertEquals("[a,1,2,9.5]", joined.selectExpr("k", "`gate.no`", "`odd``name`", "v").head().toString());
  }
}
