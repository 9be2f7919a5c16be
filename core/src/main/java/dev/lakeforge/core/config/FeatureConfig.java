package dev.lakeforge.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One feature, declared by exactly one kind key:
 * <ul>
 *   <li>{@code expr}: a Spark SQL row expression;</li>
 *   <li>{@code time_part}: hour, minute, day_of_week (1 = Sunday), day_of_month, day_of_year, week_of_year, month,
 *       or holiday (1 when the event's date is in the {@code calendar} table's {@code date} column, else 0);</li>
 *   <li>{@code index}: the stable integer index of a categorical column (append-only vocabulary);</li>
 *   <li>{@code one_hot}: one 0/1 column per value among the {@code top} most frequent of the fit window, named
 *       {@code <name>_<value>};</li>
 *   <li>{@code frequency}: the value's share of the fit window's rows (0 for unseen values);</li>
 *   <li>{@code target_mean}: the label's mean per value over the fit window, shrunk to the overall mean by
 *       {@code smoothing} pseudo-rows (training sets only: it needs the label);</li>
 *   <li>{@code aggregate}: count, sum, mean, min, max or stddev of {@code of} over the entity's events in the
 *       trailing {@code window} strictly before each event (feature sets only), optionally ending {@code lag}
 *       earlier, for values only known some time after their event.</li>
 * </ul>
 */
public record FeatureConfig(String name, String expr, String timePart, String calendar, String index, String oneHot,
    Integer top, String frequency, String targetMean, Double smoothing, String aggregate, String of, String window,
    String lag) {
  public static final Set<String> TIME_PARTS = Set.of("hour", "minute", "day_of_week", "day_of_month",
      "day_of_year", "week_of_year", "month", "holiday");
  public static final Set<String> AGGREGATES = Set.of("count", "sum", "mean", "min", "max", "stddev");

  /** The kind key a feature was declared with. */
  public enum Kind { EXPR, TIME_PART, INDEX, ONE_HOT, FREQUENCY, TARGET_MEAN, AGGREGATE }

  public FeatureConfig {
    Require.present(name, "name");
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("feature name '" + name + "' must be letters, digits and '_'");
    }
    List<String> kinds = new ArrayList<>();
    if (expr != null) kinds.add("expr");
    if (timePart != null) kinds.add("time_part");
    if (index != null) kinds.add("index");
    if (oneHot != null) kinds.add("one_hot");
    if (frequency != null) kinds.add("frequency");
    if (targetMean != null) kinds.add("target_mean");
    if (aggregate != null) kinds.add("aggregate");
    if (kinds.size() != 1) {
      throw new IllegalArgumentException("feature '" + name + "' needs exactly one of expr, time_part, index, "
          + "one_hot, frequency, target_mean, aggregate" + (kinds.isEmpty() ? "" : " (has " + kinds + ")"));
    }
    Require.oneOf(timePart, "time_part", TIME_PARTS);
    if ("holiday".equals(timePart)) {
      Require.present(calendar, "calendar");
    }
    if (oneHot != null) {
      top = Require.orDefault(top, 10);
      if (top < 1 || top > 100) {
        throw new IllegalArgumentException("feature '" + name + "': key 'top' must be between 1 and 100");
      }
    }
    if (targetMean != null) {
      smoothing = Require.orDefault(smoothing, 10.0);
      if (smoothing < 0) {
        throw new IllegalArgumentException("feature '" + name + "': key 'smoothing' must not be negative");
      }
    }
    if (aggregate != null) {
      Require.oneOf(aggregate, "aggregate", AGGREGATES);
      if (!"count".equals(aggregate)) {
        Require.present(of, "of");
      }
      Durations.parse(Require.present(window, "window"), "window");
      lag = Require.orDefault(lag, "0s");
      Durations.parse(lag, "lag");
    }
  }

  public Kind kind() {
    if (expr != null) return Kind.EXPR;
    if (timePart != null) return Kind.TIME_PART;
    if (index != null) return Kind.INDEX;
    if (oneHot != null) return Kind.ONE_HOT;
    if (frequency != null) return Kind.FREQUENCY;
    if (targetMean != null) return Kind.TARGET_MEAN;
    return Kind.AGGREGATE;
  }

  /** The input column of a categorical kind (index, one_hot, frequency, target_mean); null otherwise. */
  public String categoricalColumn() {
    return index != null ? index : oneHot != null ? oneHot : frequency != null ? frequency : targetMean;
  }
}
