package dev.lakeforge.evaluation;

import dev.lakeforge.core.config.GateConfig;
import dev.lakeforge.core.error.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies {@code evaluation.gates}: absolute bounds, and margins against the champion's metrics on the same rows.
 * Without a champion the margins are skipped and say so; the bounds alone decide.
 */
public final class Gates {
  /**
   * One gate's verdict.
   *
   * @param champion the champion's value of the metric, or null without a champion
   * @param reason   why it failed, or null when it passed
   */
  public record Verdict(String metric, double value, Double min, Double max, Double championMargin, Double champion,
      boolean passed, String reason) {}

  private Gates() {}

  /**
   * Refuses, before any data is read, gates on metric names {@code task}'s evaluation never computes (a typo such as
   * {@code auc_rco}), so {@code config check} and a run that includes evaluate fail in seconds, not after training.
   *
   * @throws dev.lakeforge.core.error.LakeforgeException (config error, exit 2) naming the gate and the known names
   */
  public static void checkNames(Map<String, GateConfig> gates, dev.lakeforge.core.config.TaskKind task) {
    TaskEvaluator evaluator = TaskEvaluator.of(task);
    for (String metric : new TreeMap<>(gates).keySet()) {
      if (!evaluator.computes(metric)) {
        throw Errors.configInvalid("evaluation.gates." + metric, "a " + task.id() + " model's evaluation has no "
            + "metric '" + metric + "'. Fix: gate on one of " + String.join(", ",
                new java.util.TreeSet<>(evaluator.metricNames()))
            + (task == dev.lakeforge.core.config.TaskKind.MULTICLASS
                ? ", or precision_class_<label>, recall_class_<label> or f1_class_<label>" : ""));
      }
    }
  }

  /** Refuses gates on metrics the task does not compute, and champion margins on metrics with no direction. */
  public static void check(Map<String, GateConfig> gates, Map<String, Double> metrics) {
    for (Map.Entry<String, GateConfig> gate : gates.entrySet()) {
      if (!metrics.containsKey(gate.getKey())) {
        throw Errors.configInvalid("evaluation.gates", "metric '" + gate.getKey() + "' does not exist for this "
            + "model; known: " + String.join(", ", new TreeMap<>(metrics).keySet()));
      }
      if (gate.getValue().championMargin() != null && !Metric.ranked(gate.getKey())) {
        throw Errors.configInvalid("evaluation.gates." + gate.getKey(), "champion_margin needs a metric that "
            + "is better one way (such as auc_roc or log_loss); '" + gate.getKey() + "' is not");
      }
    }
  }

  /** @param champion the champion's metrics on the same rows, or null when there is no champion */
  public static List<Verdict> apply(Map<String, GateConfig> gates, Map<String, Double> metrics,
      Map<String, Double> champion, String championLabel) {
    check(gates, metrics);
    List<Verdict> out = new ArrayList<>();
    for (Map.Entry<String, GateConfig> gate : new TreeMap<>(gates).entrySet()) {
      String name = gate.getKey();
      GateConfig g = gate.getValue();
      double value = metrics.get(name);
      List<String> failures = new ArrayList<>();
      if (Double.isNaN(value)) {
        failures.add(name + " is undefined on the evaluated rows");
      } else if (!g.admits(value)) {
        failures.add(String.format("%s = %.4f is outside [%s, %s]", name, value,
            g.min() == null ? "-inf" : g.min(), g.max() == null ? "+inf" : g.max()));
      }
      Double championValue = champion == null ? null : champion.get(name);
      if (g.championMargin() != null && championValue != null && !Double.isNaN(value)) {
        double worse = Metric.worseBy(name, value, championValue);
        if (worse > g.championMargin() + 1e-12) {
          failures.add(String.format("%s = %.4f is %.4f worse than %s (%.4f); the margin is %s", name, value,
              worse, championLabel, championValue, g.championMargin()));
        }
      }
      out.add(new Verdict(name, value, g.min(), g.max(), g.championMargin(), championValue, failures.isEmpty(),
          failures.isEmpty() ? null : String.join("; ", failures)));
    }
    return out;
  }
}
