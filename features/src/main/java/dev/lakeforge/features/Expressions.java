package dev.lakeforge.features;

import static dev.lakeforge.core.spark.SqlExpressions.expr;

import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.error.LibraryMessage;
import java.util.function.Supplier;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;

/** Spark SQL from the config, compiled and analysed with errors that name the feature and the expression. */
final class Expressions {
  private Expressions() {}

  static Column compile(String where, String sql) {
    try {
      return expr(sql);
    } catch (Exception e) {
      throw Errors.sqlExpression(where, sql, LibraryMessage.of(e), e);
    }
  }

  /** Runs a plan-building step; an analysis error (unknown column, wrong type) becomes a config error. */
  static <T> T analysed(String where, Supplier<T> step) {
    try {
      return step.get();
    } catch (Exception e) { // Spark's AnalysisException is undeclared in Java signatures
      if (!(e instanceof AnalysisException a)) {
        throw e;
      }
      throw Errors.sqlExpression(where, "(a feature, label or filter)",
          LibraryMessage.of(a), e);
    }
  }
}
