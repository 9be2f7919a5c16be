package dev.lakeforge.core.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lakeforge.core.testing.SharedSpark;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** Two writers replacing the same run date at once: the loser of the commit race repeats its write. */
class ConcurrentWriteTest {
  private static final TableRef TRIPS = TableRef.parse("silver.trips");

  private static final CountDownLatch SLOW_WRITER_STARTED = new CountDownLatch(1);
  private static final CountDownLatch OTHER_WRITER_COMMITTED = new CountDownLatch(1);

  @Test
  void theWriterThatLosesTheCommitRaceRetriesAndTheRunDateHoldsOneCopy() throws Exception {
    SparkSession spark = SharedSpark.get();
    Lake lake = new Lake(spark, Files.createTempDirectory("lakeforge-concurrent").toString());
    TableRef table = TableRef.parse("silver.trips");
    lake.write(rows(spark, 3, "setup", "2026-11-01"), TableWrite.replacePartition(table, "run_date", "2026-11-01"));

    // The slow writer's rows wait inside its write job (after its transaction read v0) until the other writer has
    // committed v1 to the same run date, so its first commit attempt must conflict.
    spark.udf().register("wait_for_other_writer", (UDF1<Long, Long>) id -> {
      SLOW_WRITER_STARTED.countDown();
      OTHER_WRITER_COMMITTED.await(120, TimeUnit.SECONDS);
      return id;
    }, DataTypes.LongType);
    Dataset<Row> slowRows = spark.range(0, 5, 1, 1)
        .selectExpr("wait_for_other_writer(id) AS id", "'slow' AS writer", "'2026-11-02' AS run_date");
    var pool = Executors.newSingleThreadExecutor();
    try {
      Future<Lake.WriteResult> slow = pool.submit(
          () -> lake.write(slowRows, TableWrite.replacePartition(table, "run_date", "2026-11-02")));
      SLOW_WRITER_STARTED.await(120, TimeUnit.SECONDS);
      Lake.WriteResult fast = lake.write(rows(spark, 4, "fast", "2026-11-02"),
          TableWrite.replacePartition(table, "run_date", "2026-11-02"));
      OTHER_WRITER_COMMITTED.countDown();
      Lake.WriteResult retried = slow.get(180, TimeUnit.SECONDS);

      assertEquals(1, fast.attempts());
      assertEquals(1L, fast.version().version());
      assertEquals(2, retried.attempts(), "the slow writer's first commit conflicted and was repeated");
      assertEquals(2L, retried.version().version());
      assertEquals(5L, retried.rowsWritten());
    } finally {
      pool.shutdownNow();
    }
    // The last committed writer's rows replace the run date once; the other run date is untouched.
    List<Row> byDate = lake.read(table).rows().groupBy("run_date", "writer").count()
        .orderBy("run_date").collectAsList();
    assertEquals("[[2026-11-01,setup,3], [2026-11-02,slow,5]]", byDate.toString());
  }

  @Test
  void aWriteReportsItsOwnCommitWhenAnotherWriterHasCommittedOnTopOfIt() throws Exception {
    Lake lake = firstWriteUnder(1);

    // What the first writer's result lookup sees if the second commit lands before it asks: v1 is newest, not its.
    Lake.Commit ours = lake.committedBy(lake.path(TRIPS), -1, firstWriteId(lake));
    assertEquals(0L, ours.version());
    assertEquals("3", ours.operationMetrics().get("numOutputRows"));
  }

  @Test
  void aWriteFindsItsCommitBeneathManyLaterCommitsAndNothingAfterTheNewest() throws Exception {
    Lake lake = firstWriteUnder(8);
    String first = firstWriteId(lake);

    Lake.Commit ours = lake.committedBy(lake.path(TRIPS), -1, first);
    assertEquals(0L, ours.version());
    assertEquals("3", ours.operationMetrics().get("numOutputRows"));
    // Nothing after the newest version carries the write id: an append that committed nothing.
    assertNull(lake.committedBy(lake.path(TRIPS), 8, first));
    // The first write's own commit is not "after" itself.
    assertNull(lake.committedBy(lake.path(TRIPS), 0, first));
  }

  /** A lake whose silver.trips holds the first writer's commit (v0, 3 rows) under {@code others} other commits. */
  private static Lake firstWriteUnder(int others) throws java.io.IOException {
    SparkSession spark = SharedSpark.get();
    Lake lake = new Lake(spark, Files.createTempDirectory("lakeforge-concurrent").toString());
    lake.write(rows(spark, 3, "first", "2026-11-01"), TableWrite.replacePartition(TRIPS, "run_date", "2026-11-01"));
    for (int i = 1; i <= others; i++) {
      lake.write(rows(spark, 1, "other", "2026-11-02"), TableWrite.replacePartition(TRIPS, "run_date", "2026-11-02"));
    }
    return lake;
  }

  /** The write id the first write stamped on v0 (each write, even with the same stamp, gets its own). */
  private static String firstWriteId(Lake lake) {
    return CommitStamp.writeId(lake.commit(new TableVersion(TRIPS.table(), 0)).userMetadata());
  }

  private static Dataset<Row> rows(SparkSession spark, int n, String writer, String runDate) {
    return spark.range(0, n, 1, 1).selectExpr("id", "'" + writer + "' AS writer", "'" + runDate + "' AS run_date");
  }
}
