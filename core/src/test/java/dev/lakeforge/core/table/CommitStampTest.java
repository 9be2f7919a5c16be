package dev.lakeforge.core.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lakeforge.core.testing.SharedSpark;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Every commit a lake makes carries its stamp, the write's facts and a write id of its own. */
class CommitStampTest {
  private static final CommitStamp INGEST = new CommitStamp("1.2.0", "flights", "ingest", "run-7", "2026-11-01",
      "c0ffee", "abc123");

  @Test
  void metadataIsTheRunsIdentityThenTheFactsByKeyThenTheWriteId() {
    assertEquals("{\"lakeforge_version\":\"1.2.0\",\"pipeline\":\"flights\",\"stage\":\"ingest\",\"run_id\":\"run-7\","
        + "\"run_date\":\"2026-11-01\",\"config_hash\":\"c0ffee\",\"git_revision\":\"abc123\","
        + "\"inputs\":\"silver.a@v3\","
        + "\"model\":\"models:/m/2\",\"write_id\":\"w1\"}",
        INGEST.metadata(Map.of("model", "models:/m/2", "inputs", "silver.a@v3"), "w1"));
    assertEquals("{\"operation\":\"tag\",\"write_id\":\"w2\"}", CommitStamp.NONE.metadata(Map.of("operation", "tag"),
        "w2"), "a lake outside a run stamps only the facts and the id");
  }

  @Test
  void aStampedLakeWritesItsStampOnEachCommitWithAFreshWriteId() throws Exception {
    SparkSession spark = SharedSpark.get();
    Lake lake = new Lake(spark, Files.createTempDirectory("lakeforge-stamp").toString()).stamped(INGEST);
    TableRef table = TableRef.parse("bronze.trips");

    Lake.WriteResult first = lake.write(spark.range(3).toDF(), TableWrite.overwrite(table)
        .facts(Map.of("inputs", "raw.csv")));
    Lake.WriteResult second = lake.write(spark.range(2).toDF(), TableWrite.append(table));

    String firstMetadata = lake.commit(first.version()).userMetadata();
    String id = CommitStamp.writeId(firstMetadata);
    assertEquals(INGEST.metadata(Map.of("inputs", "raw.csv"), id), firstMetadata);
    String secondId = CommitStamp.writeId(lake.commit(second.version()).userMetadata());
    assertNotEquals(id, secondId, "two writes with one stamp are told apart by their ids");
    assertEquals(1L, second.version().version());
    assertEquals(2L, second.rowsWritten());
    assertNull(CommitStamp.writeId("{\"run_id\":\"from another writer\"}"));
  }

  @Test
  void aSliceCanOnlyBeReplaced() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new TableWrite(
        TableRef.parse("silver.a"), TableWrite.Mode.APPEND, Slice.where("run_date", "2026-11-01"), SchemaPolicy.FAIL,
        List.of(), Map.of()));
    assertEquals("Cannot append to a slice of silver.a: only an overwrite replaces one", e.getMessage());
  }
}
