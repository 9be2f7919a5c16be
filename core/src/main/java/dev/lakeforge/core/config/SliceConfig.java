package dev.lakeforge.core.config;

import java.util.List;

/**
 * Metrics per value of one column of the evaluated rows.
 *
 * @param column a column of the training set (a spine key, a feature or a joined column)
 * @param top    the values with the most rows, when {@code values} is not given (default 10)
 * @param values exactly these values, in this order; one without rows is reported as empty
 * @param minRows the fewest rows a value needs for its metrics (default 30); a value with fewer is reported with
 *               its row count and "insufficient data", without metrics. Why 30: a rate's standard error is at most
 *               √(0.25/n), 0.09 at 30 rows; with fewer, three rows flipping move accuracy or recall by more than a
 *               tenth, and an AUC on a handful of positives is noise. Slices inform; they never gate.
 */
public record SliceConfig(String column, Integer top, List<String> values, Integer minRows) {
  public static final int DEFAULT_MIN_ROWS = 30;

  public SliceConfig(String column, Integer top, List<String> values) {
    this(column, top, values, null);
  }

  public SliceConfig {
    Require.present(column, "column");
    top = Require.orDefault(top, 10);
    values = values == null ? null : List.copyOf(values);
    minRows = Require.orDefault(minRows, DEFAULT_MIN_ROWS);
    if (minRows < 1) {
      throw new IllegalArgumentException("key 'min_rows' must be at least 1, got " + minRows);
    }
    if (top < 1) {
      throw new IllegalArgumentException("key 'top' must be at least 1, got " + top);
    }
  }
}
