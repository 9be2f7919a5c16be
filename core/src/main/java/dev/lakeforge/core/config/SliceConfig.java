package dev.lakeforge.core.config;

import java.util.List;

/**
 * Metrics per value of one column of the evaluated rows.
 *
 * @param column a column of the training set (a spine key, a feature or a joined column)
 * @param top    the values with the most rows, when {@code values} is not given (default 10)
 * @param values exactly these values, in this order; one without rows is reported as empty
 */
public record SliceConfig(String column, Integer top, List<String> values) {
  public SliceConfig {
    Require.present(column, "column");
    top = Require.orDefault(top, 10);
    values = values == null ? null : List.copyOf(values);
    if (top < 1) {
      throw new IllegalArgumentException("key 'top' must be at least 1, got " + top);
    }
  }
}
