package dev.lakeforge.core.config;

import java.util.Map;
import java.util.Set;

/**
 * How to train.
 *
 * @param algorithm        xgboost, gbt, random_forest, logistic_regression or linear_regression
 * @param task             binary (default), multiclass or regression
 * @param trainingSet      the training set to train on; default: the only one in training_sets
 * @param trainingSetVersion exactly this Delta version of the training set instead of the latest (set by
 *                         {@code lakeforge reproduce})
 * @param split            which rows train and which validate
 * @param params           the algorithm's parameters by snake_case name (num_round, max_depth, eta, max_iter, ...);
 *                         unknown names and out-of-range values are refused before training starts
 * @param classWeight      none (default) or balanced: rows weighted so both classes weigh the same in total
 * @param earlyStopping    stop when the validation metric stalls (XGBoost)
 * @param device           auto (default: cuda under the gpu profile when a GPU is usable, else cpu), cpu or cuda
 *                         (demand a GPU: exit 2 without one)
 * @param workers          XGBoost workers (Spark barrier tasks); null: every task slot of the session for train, 1 per
 *                         trial for sweep
 * @param threadsPerWorker threads per worker, at most spark.task.cpus; null: spark.task.cpus
 * @param sweep            the hyperparameter search of {@code lakeforge sweep}
 */
public record TrainingConfig(String algorithm, String task, String trainingSet, Long trainingSetVersion,
    SplitConfig split,
    Map<String, Object> params, String classWeight, EarlyStoppingConfig earlyStopping, String device, Integer workers,
    Integer threadsPerWorker, SweepConfig sweep) {
  public static final Set<String> ALGORITHMS =
      Set.of("xgboost", "gbt", "random_forest", "logistic_regression", "linear_regression");

  public TrainingConfig {
    algorithm = Require.oneOf(Require.orDefault(algorithm, "xgboost"), "algorithm", ALGORITHMS);
    task = Require.oneOf(Require.orDefault(task, "binary"), "task", Set.of("binary", "multiclass", "regression"));
    Require.present(split, "split");
    params = Map.copyOf(Require.orDefault(params, Map.of()));
    classWeight = Require.oneOf(Require.orDefault(classWeight, "none"), "class_weight", Set.of("none", "balanced"));
    device = Require.oneOf(Require.orDefault(device, "auto"), "device", Set.of("auto", "cpu", "cuda"));
    if ((workers != null && workers < 1) || (threadsPerWorker != null && threadsPerWorker < 1)) {
      throw new IllegalArgumentException("keys 'workers' and 'threads_per_worker' must be at least 1");
    }
    if ("balanced".equals(classWeight) && "regression".equals(task)) {
      throw new IllegalArgumentException("key 'class_weight' is 'balanced' but a regression task has no classes");
    }
  }

  /** {@link #task()} as its type, which code outside the config compares and switches on. */
  public TaskKind taskKind() {
    return TaskKind.of(task);
  }
}
