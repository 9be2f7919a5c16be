package dev.lakeforge.core.config;

import java.util.Map;
import java.util.Set;

/**
 * How to train.
 *
 * @param algorithm        xgboost (the only trainer so far)
 * @param trainingSet      the training set to train on; default: the only one in training_sets
 * @param split            the time split between training and validation rows
 * @param params           XGBoost parameters by their native names (num_round, max_depth, eta, ...)
 * @param workers          XGBoost workers (Spark tasks); default 1
 * @param threadsPerWorker threads per worker; must not exceed spark.task.cpus
 */
public record TrainingConfig(String algorithm, String trainingSet, SplitConfig split, Map<String, Object> params, Integer workers,
    Integer threadsPerWorker) {
  public TrainingConfig {
    algorithm = Require.oneOf(Require.orDefault(algorithm, "xgboost"), "algorithm", Set.of("xgboost"));
    Require.present(split, "split");
    params = Map.copyOf(Require.orDefault(params, Map.of()));
    workers = Require.orDefault(workers, 1);
    threadsPerWorker = Require.orDefault(threadsPerWorker, 1);
    if (workers < 1 || threadsPerWorker < 1) {
      throw new IllegalArgumentException("keys 'workers' and 'threads_per_worker' must be at least 1");
    }
  }
}
