package dev.lakeforge.etl;

import java.util.List;

/**
 * Outlier bounds from the median and the median absolute deviation (MAD): a value fails when its modified
 * z-score 0.6745 (x - median) / MAD exceeds the threshold (Iglewicz and Hoaglin). Both statistics come from one
 * quantile sketch of the column, so the suite needs no second pass over the data to find them.
 */
record RobustBounds(double median, double mad, double low, double high) {

  /** @param quantiles the column's values at evenly spaced probabilities 0, 1/n, ..., 1 */
  static RobustBounds fromQuantiles(List<Double> quantiles, double threshold) {
    if (quantiles.isEmpty()) {
      return new RobustBounds(Double.NaN, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }
    double median = quantile(quantiles, 0.5);
    // MAD is the d with P(|X - median| <= d) = 1/2; that probability only grows with d, so bisect on it.
    double lo = 0;
    double hi = Math.max(quantiles.get(quantiles.size() - 1) - median, median - quantiles.get(0));
    for (int i = 0; i < 100 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
      double mid = (lo + hi) / 2;
      if (cdf(quantiles, median + mid) - cdf(quantiles, median - mid) >= 0.5) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    double mad = hi;
    if (mad == 0) {
      // Over half the values are equal, so every other value would be infinitely far in MAD units: judging by
      // that would quarantine all of them. The rule gives no verdict instead; the metrics show mad = 0.
      return new RobustBounds(median, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }
    double reach = threshold * mad / 0.6745;
    return new RobustBounds(median, mad, median - reach, median + reach);
  }

  /** Linear interpolation between sketch points. */
  static double quantile(List<Double> q, double p) {
    double pos = p * (q.size() - 1);
    int i = (int) Math.floor(pos);
    if (i >= q.size() - 1) {
      return q.get(q.size() - 1);
    }
    return q.get(i) + (pos - i) * (q.get(i + 1) - q.get(i));
  }

  /** The share of values at or below x, interpolated from the sketch. */
  static double cdf(List<Double> q, double x) {
    int n = q.size() - 1;
    if (x < q.get(0)) {
      return 0;
    }
    if (x >= q.get(n)) {
      return 1;
    }
    int i = 0;
    while (i < n && q.get(i + 1) <= x) {
      i++;
    }
    double span = q.get(i + 1) - q.get(i);
    double within = span == 0 ? 1 : (x - q.get(i)) / span;
    return (i + within) / n;
  }
}
