package dev.lakeforge.training;

import java.util.Locale;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;

/**
 * Whether XGBoost's native memory fits in the executors' memory overhead, said before fitting: XGBoost builds its
 * training matrix outside the JVM heap, so on YARN or Kubernetes an executor whose overhead is too small is killed by
 * the resource manager mid-fit with nothing in Lakeforge's log but a lost executor.
 *
 * <p>Estimate: {@value #BYTES_PER_VALUE} bytes per training value (rows x features), split evenly over the
 * training workers. Source: measured on the flights data, about 0.5 GB per million training rows at 25 features
 * (issue 22's sizing note; {@code docs/kubernetes.md}). The overhead is {@code spark.executor.memoryOverhead}, or
 * Spark's default: {@code spark.executor.memoryOverheadFactor} (0.10) x executor memory, at least 384 MiB.
 */
final class NativeMemoryCheck {
  static final long BYTES_PER_VALUE = 20;
  private static final long MIN_OVERHEAD_MB = 384;

  private NativeMemoryCheck() {}

  /**
   * @param rows training rows handed to XGBoost
   * @param features feature columns
   * @param workers XGBoost workers (one per executor task)
   * @param conf the session's Spark conf
   * @return the warning to print, or empty when it fits or when there are no separate executors (local master)
   */
  static Optional<String> warning(long rows, int features, int workers, SparkConf conf) {
    String master = conf.get("spark.master", "local[*]");
    if (master.startsWith("local")) {
      return Optional.empty();
    }
    long neededMb = Math.max(1, rows * features * BYTES_PER_VALUE / Math.max(workers, 1) / (1024 * 1024));
    long overheadMb = overheadMb(conf);
    if (neededMb <= overheadMb) {
      return Optional.empty();
    }
    long suggestGb = (neededMb + 1023) / 1024;
    return Optional.of(String.format(Locale.ROOT, "XGBoost will hold about %.1f GB of native memory per executor "
            + "(%,d rows x %d features over %d workers), more than the executors' memory overhead of %d MB; YARN or "
            + "Kubernetes may kill them mid-fit. Fix: spark-submit --conf spark.executor.memoryOverhead=%dg (or more "
            + "training.workers)", neededMb / 1024.0, rows, features, workers, overheadMb, suggestGb));
  }

  static long overheadMb(SparkConf conf) {
    if (conf.contains("spark.executor.memoryOverhead")) {
      return JavaUtils.byteStringAsMb(conf.get("spark.executor.memoryOverhead"));
    }
    long executorMb = JavaUtils.byteStringAsMb(conf.get("spark.executor.memory", "1g"));
    double factor = conf.getDouble("spark.executor.memoryOverheadFactor", 0.10);
    return Math.max(MIN_OVERHEAD_MB, (long) (executorMb * factor));
  }
}
