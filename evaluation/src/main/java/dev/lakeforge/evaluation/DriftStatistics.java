package dev.lakeforge.evaluation;

/**
 * Distances between a reference and a current distribution given as counts over the same bins (numeric columns:
 * bins between shared edges; categorical columns: one bin per value). Pure functions, so they are checked against
 * hand-computed values; Spark only counts.
 */
public final class DriftStatistics {
  /** Added to empty bins so PSI and KL stay finite; the usual choice in monitoring tools. */
  static final double EPSILON = 1e-4;

  private DriftStatistics() {}

  /** Population stability index: Σ (c − r) · ln(c / r) over bin shares. */
  public static double psi(long[] reference, long[] current) {
    double[] r = shares(reference, true);
    double[] c = shares(current, true);
    double sum = 0;
    for (int i = 0; i < r.length; i++) {
      sum += (c[i] - r[i]) * Math.log(c[i] / r[i]);
    }
    return sum;
  }

  /** Jensen–Shannon distance (square root of the divergence, base 2, so it lies in [0, 1]). */
  public static double jensenShannon(long[] reference, long[] current) {
    double[] r = shares(reference, false);
    double[] c = shares(current, false);
    double divergence = 0;
    for (int i = 0; i < r.length; i++) {
      double m = (r[i] + c[i]) / 2;
      divergence += half(r[i], m) + half(c[i], m);
    }
    return Math.sqrt(Math.max(0, divergence));
  }

  private static double half(double p, double m) {
    return p == 0 ? 0 : 0.5 * p * Math.log(p / m) / Math.log(2);
  }

  /** Kolmogorov–Smirnov statistic: the largest gap between the two cumulative shares at the bin edges. */
  public static double ks(long[] reference, long[] current) {
    double[] r = shares(reference, false);
    double[] c = shares(current, false);
    double cr = 0;
    double cc = 0;
    double max = 0;
    for (int i = 0; i < r.length; i++) {
      cr += r[i];
      cc += c[i];
      max = Math.max(max, Math.abs(cr - cc));
    }
    return max;
  }

  /**
   * Wasserstein-1 distance between two distributions given as point masses (each bin's count at the mean of its
   * values): ∫ |F_r − F_c| dx over the merged locations. Exact for the binned data; on raw data the error is at most
   * the spread of values within a bin.
   */
  public static double wasserstein(double[] referenceAt, long[] reference, double[] currentAt, long[] current) {
    double[] r = shares(reference, false);
    double[] c = shares(current, false);
    java.util.TreeMap<Double, double[]> steps = new java.util.TreeMap<>();
    for (int i = 0; i < r.length; i++) {
      if (r[i] > 0) {
        steps.computeIfAbsent(referenceAt[i], k -> new double[2])[0] += r[i];
      }
    }
    for (int i = 0; i < c.length; i++) {
      if (c[i] > 0) {
        steps.computeIfAbsent(currentAt[i], k -> new double[2])[1] += c[i];
      }
    }
    double fr = 0;
    double fc = 0;
    double sum = 0;
    Double previous = null;
    for (var step : steps.entrySet()) {
      if (previous != null) {
        sum += Math.abs(fr - fc) * (step.getKey() - previous);
      }
      fr += step.getValue()[0];
      fc += step.getValue()[1];
      previous = step.getKey();
    }
    return sum;
  }

  /** Pearson's chi-square statistic of the current counts against the reference shares. */
  public static double chiSquare(long[] reference, long[] current) {
    double[] r = shares(reference, true);
    long n = 0;
    for (long v : current) {
      n += v;
    }
    double stat = 0;
    for (int i = 0; i < r.length; i++) {
      double expected = r[i] * n;
      stat += (current[i] - expected) * (current[i] - expected) / expected;
    }
    return stat;
  }

  /** Upper-tail p-value of a chi-square statistic with {@code bins - 1} degrees of freedom. */
  public static double chiSquarePValue(double statistic, int bins) {
    int dof = Math.max(1, bins - 1);
    return 1 - new org.apache.commons.math3.distribution.ChiSquaredDistribution(dof).cumulativeProbability(statistic);
  }

  static double[] shares(long[] counts, boolean smooth) {
    double total = 0;
    for (long v : counts) {
      total += v + (smooth ? EPSILON : 0);
    }
    double[] out = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      out[i] = total == 0 ? 0 : (counts[i] + (smooth ? EPSILON : 0)) / total;
    }
    return out;
  }
}
