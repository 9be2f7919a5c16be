package dev.lakeforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class NativeMemoryCheckTest {
  private static SparkConf cluster(String... settings) {
    SparkConf conf = new SparkConf(false).set("spark.master", "spark://127.0.0.1:7077");
    for (int i = 0; i < settings.length; i += 2) {
      conf.set(settings[i], settings[i + 1]);
    }
    return conf;
  }

  @Test
  void thirtyMillionRowsOverTwoWorkersNeedAboutSevenGigabytesEach() {
    // 30M x 25 x 20 B / 2 = 7,152 MB: a 2 GB overhead is too small, and the fix asks for 7g.
    Optional<String> warning = NativeMemoryCheck.warning(30_000_000, 25, 2, cluster("spark.executor.memoryOverhead",
        "2g"));
    assertTrue(warning.isPresent());
    assertTrue(warning.get().startsWith("XGBoost will hold about 7.0 GB of native memory per executor (30,000,000 "
        + "rows x 25 features over 2 workers), more than the executors' memory overhead of 2048 MB"), warning.get());
    assertTrue(warning.get().endsWith("Fix: spark-submit --conf spark.executor.memoryOverhead=7g (or more "
        + "training.workers)"), warning.get());
    assertEquals(Optional.empty(), NativeMemoryCheck.warning(30_000_000, 25, 2,
        cluster("spark.executor.memoryOverhead", "7g")));
  }

  @Test
  void withoutAnOverheadSparksDefaultIsTenPercentOfTheExecutorMemoryAndAtLeast384Megabytes() {
    assertEquals(409, NativeMemoryCheck.overheadMb(cluster("spark.executor.memory", "4g")));
    assertEquals(384, NativeMemoryCheck.overheadMb(cluster()));
    assertEquals(819, NativeMemoryCheck.overheadMb(cluster("spark.executor.memory", "4g",
        "spark.executor.memoryOverheadFactor", "0.2")));
    // 3M x 25 x 20 B / 2 = 715 MB > 409 MB
    assertTrue(NativeMemoryCheck.warning(3_000_000, 25, 2, cluster("spark.executor.memory", "4g")).isPresent());
    assertEquals(Optional.empty(), NativeMemoryCheck.warning(300_000, 25, 2, cluster("spark.executor.memory", "4g")));
  }

  @Test
  void aLocalMasterHasNoSeparateExecutorsToKill() {
    assertEquals(Optional.empty(), NativeMemoryCheck.warning(30_000_000, 25, 1,
        new SparkConf(false).set("spark.master", "local[2]")));
  }
}
