package dev.lakeforge.core.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.testing.SharedSpark;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class TableChecksumTest {
  @Test
  void equalRowsInAnyOrderAndLayoutGiveEqualChecksumsAndAnyChangedRowDoesNot() throws Exception {
    SparkSession spark = SharedSpark.get();
    Lake lake = new Lake(spark, Files.createTempDirectory("lakeforge-checksum").toString());
    String rows = "SELECT id, CAST(id * 1.5 AS DOUBLE) AS km, map('k', id) AS tags, uuid() AS scoring_run_id, "
        + "current_timestamp() AS scored_at FROM range(100)";
    lake.write(spark.sql(rows).repartition(3), TableWrite.overwrite(TableRef.parse("silver.a")));
    lake.write(spark.sql(rows + " ORDER BY id DESC").coalesce(1), TableWrite.overwrite(TableRef.parse("silver.b")));
    lake.write(spark.sql(rows.replace("range(100)", "range(100) WHERE id <> 7 UNION ALL SELECT 7, 10.6, "
        + "map('k', 7L), 'x', current_timestamp()")), TableWrite.overwrite(TableRef.parse("silver.changed")));
    lake.write(spark.sql(rows + " UNION ALL SELECT 7, 10.5, map('k', 7L), 'x', current_timestamp()"), TableWrite.overwrite(TableRef.parse("silver.duplicated")));

    TableChecksum a = TableChecksum.of(lake, TableRef.parse("silver.a"), Set.of(), false);
    TableChecksum b = TableChecksum.of(lake, TableRef.parse("silver.b"), Set.of(), false);
    assertEquals(100L, a.rows());
    assertEquals(List.of("scoring_run_id", "scored_at"), a.excluded(), "the run's own columns are left out");
    assertEquals(a.checksum(), b.checksum(), "same rows, other order and files");
    assertNotEquals(a.checksum(), TableChecksum.of(lake, TableRef.parse("silver.changed"), Set.of(), false)
        .checksum(), "one value changed");
    TableChecksum duplicated = TableChecksum.of(lake, TableRef.parse("silver.duplicated"), Set.of(), false);
    assertEquals(101L, duplicated.rows());
    assertNotEquals(a.checksum(), duplicated.checksum(), "one row twice");
    assertNotEquals(a.checksum(), TableChecksum.of(lake, TableRef.parse("silver.b"), Set.of(), true).checksum(),
        "with the run's columns, two writes differ");
    assertEquals(TableChecksum.of(lake, TableRef.parse("silver.a"), Set.of("km"), false).checksum(),
        TableChecksum.of(lake, TableRef.parse("silver.changed"), Set.of("km"), false).checksum(),
        "leaving out the changed column");
  }

  @Test
  void aMissingTableNamesItsLayer() throws Exception {
    Lake lake = new Lake(SharedSpark.get(), Files.createTempDirectory("lakeforge-checksum").toString());
    LakeforgeException e = assertThrows(LakeforgeException.class,
        () -> TableChecksum.of(lake, TableRef.parse("features.origin_traffic"), Set.of(), false));
    assertEquals(2, e.exitCode());
    // The lake cannot see the stage catalog; the CLI's table commands name the stage (LakeforgeMainTest).
    assertTrue(e.getMessage().contains("features.origin_traffic")
        && e.getMessage().contains("or run the stage that writes the features layer first"), e.getMessage());
  }
}
