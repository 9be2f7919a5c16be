package dev.lakeforge.training;

import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.spark.SparkSessions;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where XGBoost trains. cuda only when the session really runs on GPUs (the gpu profile, not fallen back) and the
 * jar carries xgboost4j-spark-gpu (built with {@code -Pgpu}); on a GPU, features go to XGBoost as a column array,
 * as NVIDIA's XGBoost examples do, so the RAPIDS plugin hands columns to the GPU without a vector step.
 *
 * @param device       cpu or cuda
 * @param featureArray give the features as a column array rather than one vector column
 * @param cpuBecause   why a GPU profile trains on CPU, or empty
 */
public record TrainingDevice(String device, boolean featureArray, Optional<String> cpuBecause) {
  /** Present only in xgboost4j-spark-gpu; the CPU artifact cannot train with device=cuda. */
  static final String XGBOOST_GPU_PLUGIN = "ml.dmlc.xgboost4j.scala.spark.GpuXGBoostPlugin";
  private static final Logger LOG = LoggerFactory.getLogger(TrainingDevice.class);
  static final TrainingDevice CPU = new TrainingDevice("cpu", false, Optional.empty());

  /**
   * @param configured   training.device: auto, cpu or cuda
   * @param profile      the --profile name
   * @param classPresent whether a class is on the classpath
   */
  static TrainingDevice choose(String configured, String profile, SparkSession spark, Predicate<String> classPresent) {
    if ("cpu".equals(configured)) {
      return CPU;
    }
    Optional<String> problem;
    if (SparkSessions.onGpu(spark)) {
      problem = classPresent.test(XGBOOST_GPU_PLUGIN) ? Optional.empty()
          : Optional.of("this jar has the CPU build of xgboost4j-spark (build it with mvn -Pgpu)");
    } else {
      problem = SparkSessions.gpuFallback(spark).or(() -> Optional.of("the Spark profile '" + profile
          + "' does not run the RAPIDS Accelerator"));
    }
    if (problem.isEmpty()) {
      return new TrainingDevice("cuda", true, Optional.empty());
    }
    if ("cuda".equals(configured)) {
      throw Errors.gpuUnavailable("training.device is cuda but " + problem.get());
    }
    if (!"gpu".equals(profile)) {
      return CPU;
    }
    if (SparkSessions.gpuFallback(spark).isEmpty()) { // else the session has warned already
      LOG.warn("Training on CPU although the gpu profile was asked for: {}", problem.get());
    }
    return new TrainingDevice("cpu", false, problem);
  }

  static TrainingDevice choose(String configured, String profile, SparkSession spark) {
    return choose(configured, profile, spark, TrainingDevice::onClasspath);
  }

  private static boolean onClasspath(String className) {
    try {
      Class.forName(className, false, TrainingDevice.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
