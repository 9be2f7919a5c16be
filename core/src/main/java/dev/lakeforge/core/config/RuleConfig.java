package dev.lakeforge.core.config;

import java.util.Set;

/**
 * One row rule.
 *
 * @param name     unique name, recorded on each quarantined row that fails it
 * @param kind     not_null, range (min and/or max, inclusive), pattern (a Java regex the whole value must match)
 *                 or expression (a Spark SQL predicate that good rows satisfy)
 * @param column   the column checked (not used by expression)
 * @param severity error: failing rows are quarantined; warn: failures are only counted
 */
public record RuleConfig(String name, String kind, String column, Double min, Double max, String pattern,
    String expression, String severity) {
  public static final Set<String> KINDS = Set.of("not_null", "range", "pattern", "expression");

  public RuleConfig {
    Require.present(name, "name");
    Require.oneOf(Require.present(kind, "kind"), "kind", KINDS);
    severity = Require.oneOf(Require.orDefault(severity, "error"), "severity", Set.of("error", "warn"));
    switch (kind) {
      case "expression" -> Require.present(expression, "expression");
      case "range" -> {
        Require.present(column, "column");
        if (min == null && max == null) {
          throw new IllegalArgumentException("rule '" + name + "' of kind range needs 'min', 'max' or both");
        }
      }
      case "pattern" -> {
        Require.present(column, "column");
        Require.present(pattern, "pattern");
      }
      default -> Require.present(column, "column");
    }
  }

  public boolean quarantines() {
    return severity.equals("error");
  }
}
