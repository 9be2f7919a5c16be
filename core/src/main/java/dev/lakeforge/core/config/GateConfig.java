package dev.lakeforge.core.config;

/**
 * One metric's gate. Bounds are inclusive; any of the three may be absent, not all.
 *
 * @param min            lowest value that blesses
 * @param max            highest value that blesses
 * @param championMargin how much worse than the registry's champion, on the same validation rows and in the
 *                       metric's own direction, the model may be (0 = at least as good); without a champion only
 *                       {@code min} and {@code max} decide
 */
public record GateConfig(Double min, Double max, Double championMargin) {
  public GateConfig {
    if (min == null && max == null && championMargin == null) {
      throw new IllegalArgumentException("a gate needs 'min', 'max' or 'champion_margin'");
    }
    if (championMargin != null && championMargin < 0) {
      throw new IllegalArgumentException("key 'champion_margin' must be 0 or more, got " + championMargin);
    }
  }

  public boolean admits(double value) {
    return (min == null || value >= min) && (max == null || value <= max);
  }
}
