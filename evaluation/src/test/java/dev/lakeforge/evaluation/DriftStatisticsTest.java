package dev.lakeforge.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Each distance against a value worked out by hand on two-bin distributions. */
class DriftStatisticsTest {
  static final long[] HALF_HALF = {50, 50};
  static final long[] QUARTER_THREE_QUARTERS = {25, 75};

  @Test
  void psi() {
    // (0.25 - 0.5) ln(0.25/0.5) + (0.75 - 0.5) ln(0.75/0.5) = 0.173287 + 0.101366
    assertEquals(0.274653, DriftStatistics.psi(HALF_HALF, QUARTER_THREE_QUARTERS), 1e-5);
    assertEquals(0.0, DriftStatistics.psi(HALF_HALF, new long[] {500, 500}), 1e-12);
  }

  @Test
  void jensenShannonDistance() {
    // m = (0.375, 0.625); KL(r||m) = 0.046554, KL(c||m) = 0.051035 (bits); JSD = 0.048795; distance = sqrt
    assertEquals(Math.sqrt(0.048795), DriftStatistics.jensenShannon(HALF_HALF, QUARTER_THREE_QUARTERS), 1e-5);
    assertEquals(1.0, DriftStatistics.jensenShannon(new long[] {10, 0}, new long[] {0, 10}), 1e-12);
  }

  @Test
  void ksIsTheLargestGapOfTheCumulativeShares() {
    assertEquals(0.25, DriftStatistics.ks(HALF_HALF, QUARTER_THREE_QUARTERS), 1e-12);
  }

  @Test
  void chiSquareAndItsPValue() {
    // expected (50, 50) for 100 rows: 25²/50 + 25²/50 = 25; one degree of freedom: p = 5.733e-7
    double chi = DriftStatistics.chiSquare(HALF_HALF, QUARTER_THREE_QUARTERS);
    assertEquals(25.0, chi, 1e-3);
    assertEquals(5.733e-7, DriftStatistics.chiSquarePValue(chi, 2), 1e-9);
  }

  @Test
  void wassersteinMovesMassOverTheDistance() {
    // Reference: half at 0, half at 1; current: all at 1. Moving half the mass by 1 costs 0.5.
    assertEquals(0.5, DriftStatistics.wasserstein(new double[] {0, 1}, new long[] {50, 50},
        new double[] {0, 1}, new long[] {0, 100}), 1e-12);
    // All mass moved from 0 to 3, the current bins sitting at other places than the reference's.
    assertEquals(3.0, DriftStatistics.wasserstein(new double[] {0}, new long[] {10}, new double[] {3, 7},
        new long[] {10, 0}), 1e-12);
  }
}
