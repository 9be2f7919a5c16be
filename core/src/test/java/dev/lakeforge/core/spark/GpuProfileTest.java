package dev.lakeforge.core.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.config.ConfigLoader;
import dev.lakeforge.core.testing.SharedSpark;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class GpuProfileTest {
  private final SparkProfile gpu = SparkSessions.loadProfile("gpu", SharedSpark.repoRoot().resolve("conf"),
      new ConfigLoader(Map.of()));

  /** The settings of NVIDIA's XGBoost examples for the RAPIDS Accelerator (see docs/architecture.md, GPU). */
  @Test
  void withAUsableGpuTheProfileIsNvidiasConfiguration() {
    GpuProbe usable = new GpuProbe(c -> true, true, Optional::empty);
    Map<String, String> conf = SparkSessions.effectiveConf(gpu, new SparkConf(false), usable);
    assertEquals("com.nvidia.spark.SQLPlugin", conf.get("spark.plugins"));
    assertEquals("true", conf.get("spark.rapids.sql.enabled"));
    assertEquals("NONE", conf.get("spark.rapids.memory.gpu.pool"), "XGBoost allocates GPU memory itself");
    assertEquals("1", conf.get("spark.executor.resource.gpu.amount"));
    assertEquals("1", conf.get("spark.task.resource.gpu.amount"), "one task, so one XGBoost worker, per GPU");
    assertEquals("/opt/sparkRapidsPlugin/getGpusResources.sh", conf.get("spark.executor.resource.gpu.discoveryScript"));
    assertEquals("false", conf.get("spark.dynamicAllocation.enabled"), "barrier mode needs a fixed executor set");
    assertFalse(conf.containsKey(SparkSessions.GPU_FALLBACK));
  }

  @Test
  void withoutTheRapidsJarOrAGpuItFallsBackToCpuAndSaysWhy() {
    GpuProbe noJar = new GpuProbe(c -> false, true, Optional::empty);
    Map<String, String> conf = SparkSessions.effectiveConf(gpu, new SparkConf(false), noJar);
    assertEquals("", conf.get("spark.plugins"));
    assertTrue(conf.keySet().stream().noneMatch(k -> k.startsWith("spark.rapids.") || k.contains(".resource.gpu.")),
        conf.toString());
    String spark = org.apache.spark.package$.MODULE$.SPARK_VERSION();
    assertEquals(spark.startsWith("3.") ? "the RAPIDS Accelerator jar (rapids-4-spark_2.12) is not on the classpath"
        : "this is the Spark " + spark + " line, which has no GPU build (use the Spark 3.5 line's -Pgpu jar)",
        conf.get(SparkSessions.GPU_FALLBACK));
    assertEquals("UTC", conf.get("spark.sql.session.timeZone"), "other settings stay");

    GpuProbe noGpu = new GpuProbe(c -> true, true, () -> Optional.of("nvidia-smi lists no GPU"));
    assertEquals("nvidia-smi lists no GPU",
        SparkSessions.effectiveConf(gpu, new SparkConf(false), noGpu).get(SparkSessions.GPU_FALLBACK));
    GpuProbe cluster = new GpuProbe(c -> true, false, () -> Optional.of("no GPU on the driver"));
    assertFalse(SparkSessions.effectiveConf(gpu, new SparkConf(false), cluster).containsKey(SparkSessions.GPU_FALLBACK),
        "on a cluster the executors' GPUs count, not the driver's");
  }

  @Test
  void thisMachineHasNoUsableGpu() {
    assertTrue(GpuProbe.forMaster("local[2]").rapidsProblem().isPresent());
  }
}
