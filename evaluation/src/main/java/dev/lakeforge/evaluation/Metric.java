package dev.lakeforge.evaluation;

import java.util.Set;

/** Which way each metric improves; a gate relative to the champion needs to know. */
public final class Metric {
  private static final Set<String> LOWER_IS_BETTER = Set.of("log_loss", "brier", "rmse", "mae", "mape");
  private static final Set<String> HIGHER_IS_BETTER = Set.of("auc_roc", "auc_pr", "accuracy", "precision",
      "recall", "f1", "best_f1", "r2", "macro_precision", "macro_recall", "macro_f1", "weighted_precision",
      "weighted_recall", "weighted_f1");

  private Metric() {}

  /** True when the metric has a better direction (counts and rates such as rows or positive_rate have none). */
  public static boolean ranked(String name) {
    return LOWER_IS_BETTER.contains(name) || HIGHER_IS_BETTER.contains(name);
  }

  public static boolean lowerIsBetter(String name) {
    return LOWER_IS_BETTER.contains(name);
  }

  /** How much worse {@code value} is than {@code reference}: positive when worse, in the metric's direction. */
  public static double worseBy(String name, double value, double reference) {
    return lowerIsBetter(name) ? value - reference : reference - value;
  }
}
