package dev.lakeforge.etl;

import static dev.lakeforge.core.spark.SqlExpressions.expr;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import dev.lakeforge.core.config.RuleConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.spark.ColumnNames;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * A row rule compiled to Spark columns: {@code failed} is true exactly for the rows that break it (never null), and
 * {@code reason} says how, with the offending value. Nulls pass every rule but not_null, which owns them.
 */
record RowCheck(RuleConfig rule, Column failed, Column reason) {

  /** Rules that need only the row itself. Unique, referential and outlier rules need {@link SuitePlan}'s help. */
  static RowCheck compile(RuleConfig rule) {
    Column value = rule.column() == null ? null : ColumnNames.column(rule.column());
    return switch (rule.kind()) {
      case "not_null" -> of(rule, value.isNull(), lit(rule.column() + " is null"));
      case "range" -> of(rule, outside(value, rule.min(), rule.max(), rule.inclusive()),
          concat(lit(rule.column() + "="), value.cast("string"), lit(" outside " + interval(rule))));
      case "allowed_values" -> of(rule, not(value.cast("string").isin(rule.values().toArray())),
          concat(lit(rule.column() + "='"), value.cast("string"),
              lit("' is not one of " + String.join(", ", rule.values()))));
      case "regex" -> of(rule, not(value.cast("string").rlike("^(?:" + rule.pattern() + ")$")),
          concat(lit(rule.column() + "='"), value.cast("string"), lit("' does not match " + rule.pattern())));
      case "length" -> of(rule, outside(length(value.cast("string")), rule.min(), rule.max(), true),
          concat(lit(rule.column() + " has length "), length(value.cast("string")).cast("string"),
              lit(" outside " + interval(rule))));
      case "expression" -> of(rule, not(predicate(rule)), lit("row does not satisfy " + rule.expression()));
      default -> throw new IllegalStateException("rule kind " + rule.kind() + " is compiled by SuitePlan");
    };
  }

  /** A unique rule over a precomputed column holding how many kept rows share this row's key. */
  static RowCheck unique(RuleConfig rule, String keyCountColumn) {
    Column key = concat(rule.columns().stream().map(c -> coalesce(ColumnNames.column(c).cast("string"), lit("null")))
        .reduce((a, b) -> concat(a, lit(", "), b)).orElseThrow());
    Column count = functions.col(keyCountColumn);
    return of(rule, count.gt(1), concat(lit("key (" + String.join(", ", rule.columns()) + ")=("), key,
        lit(") appears "), count.cast("string"), lit(" times")));
  }

  /** A referential rule over a precomputed column that is true when the reference holds this row's value. */
  static RowCheck referential(RuleConfig rule, String foundColumn) {
    return of(rule, ColumnNames.column(rule.column()).isNotNull().and(functions.col(foundColumn).isNull()),
        concat(lit(rule.column() + "='"), ColumnNames.column(rule.column()).cast("string"),
            lit("' is not in " + rule.reference() + "." + rule.referenceColumn())));
  }

  /** An outlier rule once the column's median and MAD are known. */
  static RowCheck outlier(RuleConfig rule, double low, double high) {
    return of(rule, outside(ColumnNames.column(rule.column()), low, high, true),
        concat(lit(rule.column() + "="), ColumnNames.column(rule.column()).cast("string"),
            lit(String.format(" is an outlier (robust z-score above %s: outside [%.4g, %.4g])", rule.threshold(),
                low, high))));
  }

  private static RowCheck of(RuleConfig rule, Column failed, Column reason) {
    // A null comparison means "no verdict", which must never quarantine a row.
    return new RowCheck(rule, coalesce(failed, lit(false)), concat(lit(rule.name() + ": "), reason));
  }

  private static Column outside(Column value, Double min, Double max, boolean inclusive) {
    Column out = lit(false);
    if (min != null) {
      out = out.or(inclusive ? value.lt(min) : value.leq(min));
    }
    if (max != null) {
      out = out.or(inclusive ? value.gt(max) : value.geq(max));
    }
    return out;
  }

  private static String interval(RuleConfig rule) {
    boolean in = rule.inclusive();
    return (in ? "[" : "(") + bound(rule.min()) + ", " + bound(rule.max()) + (in ? "]" : ")");
  }

  static String bound(Double v) {
    return v == null ? "-" : (v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf(v.longValue()) : v.toString());
  }

  private static Column predicate(RuleConfig rule) {
    try {
      return expr(rule.expression());
    } catch (Exception e) {
      throw Errors.sqlExpression("validation rule '" + rule.name() + "'", rule.expression(),
          dev.lakeforge.core.error.LibraryMessage.of(e), e);
    }
  }

  static String describeColumns(String[] columns) {
    return java.util.Arrays.stream(columns).filter(c -> !c.startsWith("_")).collect(Collectors.joining(", "));
  }
}
