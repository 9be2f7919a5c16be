package dev.lakeforge.core.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Answers "can this job use a GPU?" before anything asks for one: XGBoost with device=cuda on a machine without a
 * usable GPU aborts the whole JVM natively, so a wrong guess cannot be caught afterwards.
 */
public final class GpuProbe {
  static final String NVIDIA_SMI = "nvidia-smi";
  private final Predicate<String> classPresent;
  private final boolean localMaster;
  private final java.util.function.Supplier<Optional<String>> localGpuProblem;

  /**
   * @param classPresent    whether a class is on the classpath
   * @param localMaster     true for local[...] masters, where the GPU must be on this machine; on a cluster, Spark's
   *                        own resource scheduling finds the executors' GPUs
   * @param localGpuProblem why this machine has no usable GPU, or empty when it has one
   */
  GpuProbe(Predicate<String> classPresent, boolean localMaster,
      java.util.function.Supplier<Optional<String>> localGpuProblem) {
    this.classPresent = classPresent;
    this.localMaster = localMaster;
    this.localGpuProblem = localGpuProblem;
  }

  /** The probe for this JVM and master. */
  public static GpuProbe forMaster(String master) {
    return new GpuProbe(GpuProbe::onClasspath, master == null || master.startsWith("local"), GpuProbe::nvidiaSmi);
  }

  /** Why the RAPIDS Accelerator cannot run here, or empty when it can. */
  public Optional<String> rapidsProblem() {
    if (!classPresent.test(SparkSessions.RAPIDS_PLUGIN)) {
      // The GPU line is built for Spark 3.5 (Scala 2.12); the Spark 4 line has no RAPIDS build to take.
      return Optional.of(org.apache.spark.package$.MODULE$.SPARK_VERSION().startsWith("3.")
          ? "the RAPIDS Accelerator jar (rapids-4-spark_2.12) is not on the classpath"
          : "this is the Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + " line, which has no GPU build "
              + "(use the Spark 3.5 line's -Pgpu jar)");
    }
    return localMaster ? localGpuProblem.get() : Optional.empty();
  }

  static boolean onClasspath(String className) {
    try {
      Class.forName(className, false, GpuProbe.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Runs {@code nvidia-smi -L}: a usable GPU is listed as a line starting "GPU ". */
  static Optional<String> nvidiaSmi() {
    try {
      Process process = new ProcessBuilder(NVIDIA_SMI, "-L").redirectErrorStream(true).start();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.of("nvidia-smi did not answer within 20 s");
      }
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0 || out.lines().noneMatch(l -> l.startsWith("GPU "))) {
        return Optional.of("nvidia-smi lists no GPU (" + out.strip().lines().findFirst().orElse("no output") + ")");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("no NVIDIA driver on this machine (nvidia-smi not found)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while running nvidia-smi");
    }
  }
}
