package dev.lakeforge.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One data-quality rule. Row rules judge each row (failing rows of severity error go to quarantine with every rule
 * they failed); dataset rules judge the whole batch (an error failure stops the stage with exit 3).
 *
 * @param name            unique within the suite, recorded on each quarantined row that fails it
 * @param kind            row rules: not_null, unique, range, allowed_values, regex, length, referential,
 *                        expression, outlier; dataset rules: row_count, freshness
 * @param column          the column checked (unique takes {@code columns}; expression and row_count take none)
 * @param columns         key columns of a unique rule; every row of a key seen more than once fails
 * @param min             range: lower bound; row_count: fewest rows; length: shortest string
 * @param max             range: upper bound; row_count: most rows; length: longest string
 * @param inclusive       range: whether the bounds themselves pass (default true)
 * @param values          allowed_values: the accepted values, compared as strings
 * @param pattern         regex: a Java regex the whole value must match
 * @param expression      expression: a Spark SQL predicate good rows satisfy
 * @param maxAge          freshness: the newest value of {@code column} may be at most this old at the end of the
 *                        run date, e.g. "36h", "7d", "PT90M"
 * @param reference       referential: the table whose {@code reference_column} must contain the value,
 *                        e.g. silver.airports (validated first when it is another entity of this config)
 * @param referenceColumn referential: the column of {@code reference}; defaults to {@code column}
 * @param threshold       outlier: the robust z-score |0.6745 (x - median) / MAD| above which a value fails
 *                        (default 3.5, after Iglewicz and Hoaglin)
 * @param severity        error (default) or warn: warn failures are only counted and reported
 */
public record RuleConfig(String name, String kind, String column, List<String> columns, Double min, Double max,
    Boolean inclusive, List<String> values, String pattern, String expression, String maxAge, String reference,
    String referenceColumn, Double threshold, String severity) {
  public static final Set<String> ROW_KINDS = Set.of("not_null", "unique", "range", "allowed_values", "regex",
      "length", "referential", "expression", "outlier");
  public static final Set<String> DATASET_KINDS = Set.of("row_count", "freshness");

  public RuleConfig {
    Require.present(name, "name");
    if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("rule name '" + name + "' must be letters, digits and '_'");
    }
    Require.present(kind, "kind");
    if (!ROW_KINDS.contains(kind) && !DATASET_KINDS.contains(kind)) {
      Require.oneOf(kind, "kind", union());
    }
    severity = Require.oneOf(Require.orDefault(severity, "error"), "severity", Set.of("error", "warn"));
    inclusive = Require.orDefault(inclusive, Boolean.TRUE);
    columns = columns == null ? null : List.copyOf(columns);
    values = values == null ? null : List.copyOf(values);
    switch (kind) {
      case "expression" -> Require.present(expression, "expression");
      case "unique" -> Require.notEmpty(columns, "columns");
      case "range", "length", "row_count" -> {
        if (!kind.equals("row_count")) {
          Require.present(column, "column");
        }
        if (min == null && max == null) {
          throw new IllegalArgumentException("rule '" + name + "' of kind " + kind + " needs 'min', 'max' or both");
        }
      }
      case "regex" -> {
        Require.present(column, "column");
        Require.present(pattern, "pattern");
      }
      case "allowed_values" -> {
        Require.present(column, "column");
        Require.notEmpty(values, "values");
      }
      case "freshness" -> {
        Require.present(column, "column");
        parseDuration(Require.present(maxAge, "max_age"));
      }
      case "referential" -> {
        Require.present(column, "column");
        Require.present(reference, "reference");
        referenceColumn = Require.orDefault(referenceColumn, column);
      }
      case "outlier" -> {
        Require.present(column, "column");
        threshold = Require.orDefault(threshold, 3.5);
        if (threshold <= 0) {
          throw new IllegalArgumentException("key 'threshold' must be above 0");
        }
      }
      default -> Require.present(column, "column");
    }
  }

  private static Set<String> union() {
    var all = new java.util.TreeSet<>(ROW_KINDS);
    all.addAll(DATASET_KINDS);
    return all;
  }

  public boolean isError() {
    return severity.equals("error");
  }

  public boolean isRowRule() {
    return ROW_KINDS.contains(kind);
  }

  /** Parses "36h", "7d", "90m", "30s" or an ISO-8601 duration such as "PT36H". */
  public static Duration parseDuration(String text) {
    String t = text.trim();
    try {
      if (t.toUpperCase().startsWith("P")) {
        return Duration.parse(t.toUpperCase());
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 'd' -> Duration.ofDays(n);
        case 'h' -> Duration.ofHours(n);
        case 'm' -> Duration.ofMinutes(n);
        case 's' -> Duration.ofSeconds(n);
        default -> throw new IllegalArgumentException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("duration '" + text + "' must be like 36h, 7d, 90m, 30s or PT36H");
    }
  }
}
