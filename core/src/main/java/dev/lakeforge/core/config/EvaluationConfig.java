package dev.lakeforge.core.config;

import java.util.List;
import java.util.Map;

/**
 * @param threshold        probability at or above which a row is predicted positive (binary models)
 * @param gates            metric name to its gate; a model outside any gate is not blessed (exit 4)
 * @param slices           columns whose values get their own metrics in the report
 * @param calibrationBins  equal-width probability bins of the calibration (reliability) plot
 * @param report           whether to write the HTML report and its PNG plots
 */
public record EvaluationConfig(Double threshold, Map<String, GateConfig> gates, List<SliceConfig> slices,
    Integer calibrationBins, Boolean report) {
  public static final EvaluationConfig DEFAULT = new EvaluationConfig(null, null, null, null, null);

  public EvaluationConfig {
    threshold = Require.orDefault(threshold, 0.5);
    gates = Map.copyOf(Require.orDefault(gates, Map.of()));
    slices = List.copyOf(Require.orDefault(slices, List.of()));
    calibrationBins = Require.orDefault(calibrationBins, 10);
    report = Require.orDefault(report, true);
    if (threshold <= 0 || threshold >= 1) {
      throw new IllegalArgumentException("key 'threshold' must be between 0 and 1 (exclusive), got " + threshold);
    }
    if (calibrationBins < 2 || calibrationBins > 100) {
      throw new IllegalArgumentException("key 'calibration_bins' must be 2 to 100, got " + calibrationBins);
    }
  }
}
