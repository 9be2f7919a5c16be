package dev.lakeforge.core.config;

import java.util.Set;

/**
 * A check of one quality metric against its own history in {@code quality.metrics}.
 *
 * @param name       unique within the suite
 * @param metric     a metric of this suite: {@code rows_in}, {@code rows_quarantined}, {@code duplicates_removed},
 *                   {@code rule.<rule>.failed} or
 *                   {@code column.<column>.<completeness|distinct_approx|min|max|mean|stddev>} (computed because a
 *                   check reads it; {@code distinct_approx} is an estimate, see the validation suite's docs)
 * @param kind       relative_change: |x - previous| / |previous| must be at most {@code max};
 *                   absolute_change: |x - previous| must be at most {@code max};
 *                   trailing_stddev: x must lie within mean ± k·stddev of the last {@code window} runs
 * @param max        the largest change allowed (relative_change, absolute_change)
 * @param k          how many standard deviations trailing_stddev allows (default 3)
 * @param window     how many earlier run dates trailing_stddev looks at (default 7)
 * @param minHistory fewest earlier run dates before the check applies (default 1; 3 for trailing_stddev)
 * @param severity   error (exit 3, silver not updated) or warn
 * @param minRows    fewest rows in this run's batch for a statistic of its rows (every metric but {@code rows_in})
 *                   to be judged (default 30); below it the check is "insufficient": reported and recorded, neither
 *                   passed nor failed. Volume checks on {@code rows_in} always apply: a tiny batch is their finding.
 */
public record AnomalyConfig(String name, String metric, String kind, Double max, Double k, Integer window,
    Integer minHistory, String severity, Integer minRows) {
  public static final Set<String> KINDS = Set.of("relative_change", "absolute_change", "trailing_stddev");

  public AnomalyConfig {
    Require.present(name, "name");
    Require.present(metric, "metric");
    Require.oneOf(Require.present(kind, "kind"), "kind", KINDS);
    severity = Require.oneOf(Require.orDefault(severity, "error"), "severity", Set.of("error", "warn"));
    k = Require.orDefault(k, 3.0);
    window = Require.orDefault(window, 7);
    minHistory = Require.orDefault(minHistory, kind.equals("trailing_stddev") ? 3 : 1);
    minRows = Require.orDefault(minRows, 30);
    if (!kind.equals("trailing_stddev")) {
      Require.present(max, "max");
    }
    if (window < 1 || minHistory < 1) {
      throw new IllegalArgumentException("keys 'window' and 'min_history' must be at least 1");
    }
    if (minRows < 1) {
      throw new IllegalArgumentException("key 'min_rows' is " + minRows + " but must be at least 1");
    }
  }

  public boolean isError() {
    return severity.equals("error");
  }
}
