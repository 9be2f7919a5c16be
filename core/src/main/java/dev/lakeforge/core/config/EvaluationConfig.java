package dev.lakeforge.core.config;

import java.util.Map;

/**
 * @param threshold probability at or above which a row is predicted positive
 * @param gates     metric name to bounds; a model outside any bound is not blessed (exit 4)
 */
public record EvaluationConfig(Double threshold, Map<String, GateConfig> gates) {
  public static final EvaluationConfig DEFAULT = new EvaluationConfig(null, null);

  public EvaluationConfig {
    threshold = Require.orDefault(threshold, 0.5);
    gates = Map.copyOf(Require.orDefault(gates, Map.of()));
  }
}
