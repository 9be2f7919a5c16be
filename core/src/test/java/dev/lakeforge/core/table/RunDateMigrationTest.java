package dev.lakeforge.core.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.testing.SharedSpark;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Tables written with STRING run dates refuse DATE ones with the fix named, and one migration rewrites them. */
class RunDateMigrationTest {
  private static final TableRef PREDICTIONS = TableRef.parse("predictions.delays");

  private static Dataset<Row> rows(SparkSession spark, String runDateType) {
    return spark.sql("SELECT id, CAST(date_add(DATE'2001-06-15', CAST(id % 2 AS INT)) AS " + runDateType
        + ") AS run_date FROM range(5)");
  }

  @Test
  void aStringRunDateTableIsRefusedThenMigratedOnceKeepingItsRowsAndPartitions() throws Exception {
    SparkSession spark = SharedSpark.get();
    Lake lake = new Lake(spark, Files.createTempDirectory("lakeforge-migrate").toString());
    // As score wrote it before run dates became DATE: partitioned by a STRING run_date.
    lake.write(rows(spark, "STRING"), TableWrite.replacePartition(PREDICTIONS, "run_date", "2001-06-15"));
    Dataset<Row> oneDay = rows(spark, "DATE").filter("run_date = DATE'2001-06-16'");

    var refused = assertThrows(LakeforgeException.class,
        () -> lake.write(oneDay, TableWrite.replacePartition(PREDICTIONS, "run_date", LocalDate.of(2001, 6, 16))));
    assertEquals(2, refused.kind().exitCode());
    assertEquals("Cannot write predictions.delays: its run_date column is STRING, as tables written before run dates "
        + "became DATE have it. Fix: run `lakeforge tables migrate predictions.delays` once (one new version with the "
        + "column as DATE; older versions stay readable), then rerun.", refused.getMessage());

    RunDateMigration.Result migrated = new RunDateMigration(lake).run(PREDICTIONS);
    assertEquals(new RunDateMigration.Result("predictions.delays", List.of("run_date"), 1L, 5), migrated);
    assertEquals(List.of("run_date"), lake.partitionColumns(PREDICTIONS));
    assertEquals("[[0,2001-06-15], [1,2001-06-16], [2,2001-06-15], [3,2001-06-16], [4,2001-06-15]]",
        lake.read(PREDICTIONS).rows().orderBy("id").collectAsList().toString());
    assertEquals("date", lake.read(PREDICTIONS).rows().schema().apply("run_date").dataType().typeName());
    assertEquals("string", lake.read(TableRef.parse("predictions.delays@v0")).rows().schema().apply("run_date")
        .dataType().typeName(), "the version before stays readable as it was");

    // Now the run date's rows are replaced as usual, and a second migration writes nothing.
    lake.write(oneDay.limit(1), TableWrite.replacePartition(PREDICTIONS, "run_date", LocalDate.of(2001, 6, 16)));
    assertEquals(4, lake.read(PREDICTIONS).rows().count());
    assertEquals(new RunDateMigration.Result("predictions.delays", List.of(), null, 0),
        new RunDateMigration(lake).run(PREDICTIONS));
  }

  @Test
  void aRunDateThatIsNotADateStopsTheMigrationBeforeAnyWrite() throws Exception {
    SparkSession spark = SharedSpark.get();
    Lake lake = new Lake(spark, Files.createTempDirectory("lakeforge-migrate").toString());
    TableRef bronze = TableRef.parse("bronze.trips");
    lake.write(spark.sql("SELECT * FROM VALUES (1, '2001-06-15'), (2, 'yesterday'), (3, NULL) AS t(id, _run_date)"),
        TableWrite.overwrite(bronze));

    var e = assertThrows(LakeforgeException.class, () -> new RunDateMigration(lake).run(bronze));
    assertEquals("Cannot migrate bronze.trips: 1 rows have a _run_date that is not a yyyy-MM-dd date (e.g. "
        + "'yesterday'). Fix: correct or delete those rows, then run `lakeforge tables migrate bronze.trips` again.",
        e.getMessage());
    assertEquals(0, lake.resolveVersion(bronze), "nothing was written");
  }
}
