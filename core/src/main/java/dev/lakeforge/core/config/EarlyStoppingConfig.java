package dev.lakeforge.core.config;

/**
 * Stop boosting when the validation metric has not improved for {@code rounds} rounds.
 *
 * @param rounds rounds without improvement before stopping
 * @param metric the trainer's validation metric (XGBoost's eval_metric, e.g. auc, logloss, rmse); default: the
 *               trainer's own default for the task
 */
public record EarlyStoppingConfig(Integer rounds, String metric) {
  public EarlyStoppingConfig {
    Require.present(rounds, "rounds");
    if (rounds < 1) {
      throw new IllegalArgumentException("key 'rounds' is " + rounds + " but must be at least 1");
    }
  }
}
