package dev.lakeforge.core.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.testing.SharedSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class StageProgressTest {
  @Test
  void countsTheStagesJobsTasksAndRowsReadAndPrintsPlainLinesEveryInterval() throws Exception {
    SparkSession spark = SharedSpark.get();
    String dir = Files.createTempDirectory("lakeforge-progress").resolve("t").toString();
    spark.range(1000).repartition(3).write().parquet(dir);
    StringWriter lines = new StringWriter();
    try (StageProgress progress = StageProgress.attach(spark, StageProgress.Mode.LINES, new PrintWriter(lines),
        Duration.ofSeconds(1))) {
      assertNull(progress.line(), "no stage yet");
      progress.begin("validate");
      long even = spark.read().parquet(dir).where("id % 2 = 0").count();
      assertEquals(500L, even);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      String line = progress.line();
      assertTrue(line.matches("validate 0:0\\d  rows read 1,000  jobs [1-9]\\d* done, 0 running"), line);
      Thread.sleep(2200); // the first plain line is due one interval after the stage began
      assertTrue(lines.toString().startsWith("progress validate 0:0"), lines.toString());
      progress.end();
      assertNull(progress.line(), "no stage after end");
      String printed = lines.toString();
      Thread.sleep(1200);
      assertEquals(printed, lines.toString(), "no lines between stages");
    }
  }
}
