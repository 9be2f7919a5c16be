package dev.lakeforge.core.config;

/**
 * Time split: rows with {@code column < validate_from} train, rows in {@code [validate_from, validate_until)}
 * validate. Dates are ISO (2001-06-01) or timestamps (2001-06-01T00:00:00).
 */
public record SplitConfig(String column, String validateFrom, String validateUntil) {
  public SplitConfig {
    Require.present(column, "column");
    Require.present(validateFrom, "validate_from");
  }
}
