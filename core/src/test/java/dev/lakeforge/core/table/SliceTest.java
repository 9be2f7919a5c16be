package dev.lakeforge.core.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeforge.core.testing.SharedSpark;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A slice is the one way a write names the rows it replaces; its predicate is exact for any value. */
class SliceTest {
  @Test
  void thePredicateQuotesNamesAndEscapesValues() {
    assertEquals("`run_date` = '2001-06-15'", Slice.where("run_date", LocalDate.of(2001, 6, 15)).predicate());
    assertEquals("`run_date` = '2001-06-15' AND `shadow model` = 'o\\'brien\\\\x'",
        Slice.where("run_date", "2001-06-15").and("shadow model", "o'brien\\x").predicate());
    assertThrows(IllegalArgumentException.class, () -> new Slice(Map.of()));
  }

  @Test
  void replacingASliceReplacesExactlyItsRowsEvenWithQuotesInAValue() throws Exception {
    SparkSession spark = SharedSpark.get();
    Lake lake = new Lake(spark, Files.createTempDirectory("lakeforge-slice").toString());
    TableRef table = TableRef.parse("monitoring.shadow");
    // run_date DATE, as in training.trials; the slice's string literal is cast to the column's type.
    String rows = "SELECT DATE'2001-06-15' AS run_date, '%s' AS model, %d AS n";
    lake.write(spark.sql(rows.formatted("plain", 1)).union(spark.sql(rows.formatted("o\\'brien", 2)))
        .union(spark.sql(rows.formatted("obrien", 3))), TableWrite.append(table));

    lake.write(spark.sql(rows.formatted("o\\'brien", 20)),
        TableWrite.replace(table, Slice.where("run_date", LocalDate.of(2001, 6, 15)).and("model", "o'brien")));

    List<String> after = lake.read(table).rows().orderBy("n").collectAsList().stream()
        .map(r -> r.getString(1) + "=" + r.getInt(2)).toList();
    assertEquals(List.of("plain=1", "obrien=3", "o'brien=20"), after);
  }
}
