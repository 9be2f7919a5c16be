package dev.lakeforge.training;

import dev.lakeforge.core.config.TaskKind;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One learning algorithm behind one contract, in the spirit of an MLlib Estimator: params by name with the
 * algorithm's own defaults and docs, and a fit that returns everything a model directory holds.
 */
public interface Trainer {
  /** The name in {@code training.algorithm}. */
  String algorithm();

  /**
   * The param counting boosting rounds, iterations or trees: what successive halving raises rung by rung.
   */
  String roundsParam();

  /** The rounds when config leaves {@link #roundsParam()} unset. */
  int defaultRounds();

  /**
   * Checks params and task without touching data, so a typo fails before a long read (exit 2 naming the param).
   */
  void check(Map<String, Object> params, TaskKind task);

  /**
   * Checks {@code training.early_stopping} (null: none) against what the trainer can honour, so no setting is
   * silently ignored (exit 2 naming the key).
   */
  default void checkEarlyStopping(dev.lakeforge.core.config.EarlyStoppingConfig earlyStopping, TaskKind task) {}

  TrainedModel fit(TrainerInput input, Map<String, Object> params);

  /**
   * How rows should be partitioned before they are cached for many fits: XGBoost wants exactly one partition per
   * worker (otherwise every fit shuffles the whole training set again); MLlib wants them as they are.
   */
  default Dataset<Row> cacheLayout(Dataset<Row> rows, int workers) {
    return rows;
  }
}
