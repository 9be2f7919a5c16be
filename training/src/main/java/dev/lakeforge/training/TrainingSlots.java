package dev.lakeforge.training;

import dev.lakeforge.core.config.TrainingConfig;
import dev.lakeforge.core.spark.SparkSessions;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * How many XGBoost workers (barrier tasks) one fit runs and how many threads each uses: {@code training.workers} and
 * {@code training.threads_per_worker} when the config sets them, else from the session. A task slot is
 * {@code spark.task.cpus} cores; xgboost4j-spark refuses more threads per worker than that, so a worker's threads
 * default to it and the workers to the slots: 2 workers x 1 thread under {@code local[*]} on two cores, one worker per
 * GPU under the RAPIDS profile.
 *
 * @param workers          XGBoost workers, at least 1
 * @param threadsPerWorker threads per worker, at least 1
 */
public record TrainingSlots(int workers, int threadsPerWorker) {
  private static final java.util.regex.Pattern LOCAL =
      java.util.regex.Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?");

  /** One fit that may use every slot (train, evaluate's retrain-free paths, reproduce). */
  public static TrainingSlots forOneFit(TrainingConfig training, SparkSession spark) {
    return of(training, taskSlots(spark), taskCpus(spark.sparkContext().getConf()));
  }

  /** Tasks the session runs at once: its cores ÷ spark.task.cpus, or its GPUs under the RAPIDS profile; at least 1. */
  static int taskSlots(SparkSession spark) {
    SparkConf conf = spark.sparkContext().getConf();
    int slots = SparkSessions.onGpu(spark) ? gpus(conf) : cores(spark.sparkContext()) / taskCpus(conf);
    return Math.max(1, slots);
  }

  /**
   * The cores the session's tasks run on. Spark's default parallelism is that count unless
   * {@code spark.default.parallelism} overrides it (a shuffle setting, often far above the cores, and a barrier stage
   * with more tasks than slots waits and then fails), so then: local[N]'s N, or executors x spark.executor.cores.
   */
  static int cores(SparkContext context) {
    SparkConf conf = context.getConf();
    if (!conf.contains("spark.default.parallelism")) {
      return context.defaultParallelism();
    }
    Integer local = localCores(context.master());
    if (local != null) {
      return local;
    }
    int executors = Math.max(1, context.getExecutorMemoryStatus().size() - 1);
    return executors * conf.getInt("spark.executor.cores", 1);
  }

  /** Trials that run side by side (sweep): one worker each unless configured, so the trials fill the slots. */
  public static TrainingSlots forTrials(TrainingConfig training, SparkSession spark) {
    return of(training, 1, taskCpus(spark.sparkContext().getConf()));
  }

  /** The GPUs a session's executors hold: executors x GPUs per executor (1 under local mode). */
  static int gpus(SparkConf conf) {
    double perExecutor = conf.getDouble("spark.executor.resource.gpu.amount", 1);
    return Math.max(1, (int) (conf.getInt("spark.executor.instances", 1) * perExecutor));
  }

  /** N of a local[N] master (local: 1, local[*]: this machine's cores), or null for a cluster master. */
  static Integer localCores(String master) {
    java.util.regex.Matcher local = LOCAL.matcher(master);
    if (!local.matches()) {
      return null;
    }
    String n = local.group(1);
    return n == null ? 1 : "*".equals(n) ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
  }

  private static int taskCpus(SparkConf conf) {
    return Math.max(1, conf.getInt("spark.task.cpus", 1));
  }

  private static TrainingSlots of(TrainingConfig training, int defaultWorkers, int taskCpus) {
    return new TrainingSlots(training.workers() != null ? training.workers() : defaultWorkers,
        training.threadsPerWorker() != null ? training.threadsPerWorker() : taskCpus);
  }
}
