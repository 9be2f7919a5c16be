package dev.lakeforge.core.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A drift check between a reference (e.g. the training rows) and a current batch (e.g. the day about to be scored).
 *
 * @param reference        the reference table, any pin (e.g. features.flights_delay@tag:golden)
 * @param referenceFilter  a Spark SQL predicate selecting the reference rows (e.g. the training window)
 * @param referenceStatistics instead of {@code reference}: a feature or training set, any pin, whose stored
 *                         statistics (its fit window's histograms in {@code <table>_stats}) are the reference; no
 *                         reference rows are read. Numeric columns only.
 * @param current          the current table; default: the reference table at its latest version
 * @param currentFilter    a predicate selecting the current rows; {@code ${run_date}} becomes the run date
 * @param numeric          numeric columns: PSI, KS, Wasserstein (in reference standard deviations), Jensen–Shannon
 * @param categorical      categorical columns: PSI, chi-square (statistic and p-value), Jensen–Shannon
 * @param bins             bins for numeric PSI and Jensen–Shannon, on the reference's quantiles (default 10)
 * @param thresholds       per method (psi, ks, wasserstein, js, chi_square_p): warn and fail levels; a value above
 *                         the level trips it, except chi_square_p, which trips below it
 * @param minRows          the fewest non-null values a column needs in the reference and in the current batch for
 *                         its distances to be computed (default 100). Below it the column's result is "insufficient":
 *                         stored in monitoring.drift without a value, warned about, never a pass and never a fail. Why
 *                         100: PSI and Jensen–Shannon compare the shares of 10 quantile bins, and a share needs about 10
 *                         rows per bin to be more than noise (the chi-square rule of thumb of at least 5 expected
 *                         per cell); on 2 rows 8 of 10 bins are empty and PSI is 4.8 whatever the data. KS's 5%
 *                         critical value at 100 rows is already 0.136 (1.36/√n), so fewer rows detect only gross
 *                         shifts.
 */
public record DriftConfig(String reference, String referenceFilter, String referenceStatistics, String current,
    String currentFilter,
    List<String> numeric, List<String> categorical, Integer bins, Map<String, DriftThreshold> thresholds,
    Integer minRows) {
  /** See {@code minRows}. */
  public static final int DEFAULT_MIN_ROWS = 100;

  public static final Set<String> METHODS = Set.of("psi", "ks", "wasserstein", "js", "chi_square_p");

  public DriftConfig {
    if ((reference == null) == (referenceStatistics == null)) {
      throw new IllegalArgumentException("give exactly one of 'reference' (a table) and 'reference_statistics' "
          + "(a feature or training set whose stored statistics are the reference)");
    }
    if (referenceStatistics != null && referenceFilter != null) {
      throw new IllegalArgumentException("key 'reference_filter' does not apply to 'reference_statistics': the "
          + "statistics describe the set's fit window");
    }
    if (referenceStatistics != null && categorical != null && !categorical.isEmpty()) {
      throw new IllegalArgumentException("key 'categorical' needs a 'reference' table: stored statistics hold "
          + "numeric histograms only");
    }
    current = Require.orDefault(current, (reference != null ? reference : referenceStatistics).replaceAll("@.*$", ""));
    numeric = List.copyOf(Require.orDefault(numeric, List.of()));
    categorical = List.copyOf(Require.orDefault(categorical, List.of()));
    if (numeric.isEmpty() && categorical.isEmpty()) {
      throw new IllegalArgumentException("key 'numeric' or 'categorical' needs at least one column");
    }
    bins = Require.orDefault(bins, 10);
    if (bins < 2 || bins > 1000) {
      throw new IllegalArgumentException("key 'bins' must be between 2 and 1000");
    }
    minRows = Require.orDefault(minRows, DEFAULT_MIN_ROWS);
    if (minRows < 1) {
      throw new IllegalArgumentException("key 'min_rows' must be at least 1, got " + minRows);
    }
    thresholds = Map.copyOf(Require.orDefault(thresholds, Map.of(
        "psi", new DriftThreshold(0.1, 0.25), "js", new DriftThreshold(0.1, null))));
    for (String method : thresholds.keySet()) {
      Require.oneOf(method, "thresholds", METHODS);
    }
  }

  /** Warn and fail levels of one method. */
  public record DriftThreshold(Double warn, Double fail) {
    public DriftThreshold {
      if (warn == null && fail == null) {
        throw new IllegalArgumentException("a drift threshold needs 'warn', 'fail' or both");
      }
    }
  }
}
