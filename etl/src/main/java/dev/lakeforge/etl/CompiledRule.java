package dev.lakeforge.etl;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import dev.lakeforge.core.config.RuleConfig;
import dev.lakeforge.core.error.Errors;
import java.util.Arrays;
import java.util.Set;
import org.apache.spark.sql.Column;

/**
 * A rule compiled to Spark columns: {@code failed} is true exactly for the rows that break it (never null), and
 * {@code reason} says how, with the offending value. Nulls pass range and pattern rules; not_null owns them.
 */
record CompiledRule(RuleConfig rule, Column failed, Column reason) {

  static CompiledRule compile(RuleConfig rule, String table, String[] columns) {
    if (rule.column() != null && !Arrays.asList(columns).contains(rule.column())) {
      throw Errors.configInvalid("validation rule '" + rule.name() + "'",
          "column '" + rule.column() + "' is not in " + table + " (its columns: " + String.join(", ", columns)
              + "). Fix: correct the rule's column or the source schema");
    }
    Column value = rule.column() == null ? null : col(rule.column());
    Column failed = switch (rule.kind()) {
      case "not_null" -> value.isNull();
      case "range" -> {
        Column outside = lit(false);
        if (rule.min() != null) {
          outside = outside.or(value.lt(rule.min()));
        }
        if (rule.max() != null) {
          outside = outside.or(value.gt(rule.max()));
        }
        yield coalesce(outside, lit(false));
      }
      case "pattern" -> coalesce(not(value.cast("string").rlike("^(?:" + rule.pattern() + ")$")), lit(false));
      case "expression" -> not(coalesce(predicate(rule), lit(false)));
      default -> throw new IllegalStateException("RuleConfig admits only known kinds, got " + rule.kind());
    };
    return new CompiledRule(rule, failed, concat(lit(rule.name() + ": "), describe(rule, value)));
  }

  private static Column predicate(RuleConfig rule) {
    try {
      return expr(rule.expression());
    } catch (Exception e) {
      throw Errors.sqlExpression("validation rule '" + rule.name() + "'", rule.expression(),
          e.getMessage().lines().findFirst().orElse("invalid"), e);
    }
  }

  private static Column describe(RuleConfig rule, Column value) {
    return switch (rule.kind()) {
      case "not_null" -> lit(rule.column() + " is null");
      case "range" -> concat(lit(rule.column() + "="), value.cast("string"),
          lit(" outside [" + bound(rule.min()) + ", " + bound(rule.max()) + "]"));
      case "pattern" -> concat(lit(rule.column() + "='"), value.cast("string"),
          lit("' does not match " + rule.pattern()));
      default -> lit("row does not satisfy " + rule.expression());
    };
  }

  private static String bound(Double v) {
    return v == null ? "-" : (v == Math.rint(v) ? String.valueOf(v.longValue()) : v.toString());
  }

  static final Set<String> RESERVED = Set.of("_failed_rules", "_reason", "_warned_rules");
}
