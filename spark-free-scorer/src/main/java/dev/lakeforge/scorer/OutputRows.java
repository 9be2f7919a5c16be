package dev.lakeforge.scorer;

import java.io.Closeable;
import java.io.IOException;

/**
 * Scored rows written to a file: the kept input columns, then {@code prediction} and, for classifiers,
 * {@code probability} ({@link Predictions} says what they hold). Written beside the target and renamed in by
 * {@link FileScorer}, so the output appears whole or not at all.
 */
interface OutputRows extends Closeable {
  /**
   * @param kept       the kept columns' values of one row (Strings for CSV output; for Parquet output the values
   *                   as {@link InputRows#value} gives them, or Strings when the input was CSV); null is missing
   * @param prediction the booster's output for the row: one value (binary, regression) or one per class
   */
  void write(Object[] kept, float[] prediction) throws IOException;
}
