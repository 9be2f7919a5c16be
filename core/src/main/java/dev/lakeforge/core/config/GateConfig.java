package dev.lakeforge.core.config;

/** Inclusive bounds on one metric; either may be absent. */
public record GateConfig(Double min, Double max) {
  public GateConfig {
    if (min == null && max == null) {
      throw new IllegalArgumentException("a gate needs 'min', 'max' or both");
    }
  }

  public boolean admits(double value) {
    return (min == null || value >= min) && (max == null || value <= max);
  }
}
