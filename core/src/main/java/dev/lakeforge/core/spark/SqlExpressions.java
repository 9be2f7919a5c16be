package dev.lakeforge.core.spark;

import java.lang.reflect.InvocationTargetException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Spark SQL text from a config as a {@link Column}, parsed at once on both Spark lines (a shim).
 *
 * <p>On Spark 3.5, {@code functions.expr} parses with the active session's parser and throws a syntax error right
 * there. On Spark 4 it only wraps the text: the parse waits until the plan is analysed, where the error can no longer
 * name the feature, label or rule it came from. On Spark 4 this parses the text once more, at once, with the same
 * session parser (through reflection: the classic session's {@code sessionState} is not on Spark 4's API class), so
 * the caller sees the same {@code ParseException} at the same place on both lines. On Spark 3.5 it is exactly
 * {@code functions.expr}.
 */
public final class SqlExpressions {
  private static final boolean LAZY_PARSE = !org.apache.spark.package$.MODULE$.SPARK_VERSION().startsWith("3.");

  private SqlExpressions() {}

  public static Column expr(String sql) {
    Column column = functions.expr(sql);
    if (LAZY_PARSE) {
      parseNow(sql);
    }
    return column;
  }

  /**
   * The unresolved Catalyst expression of {@code sql}, from the active session's parser (the same on both lines;
   * Spark 4's {@code Column} no longer exposes its expression), or empty where the session has no parser to reach
   * (Spark Connect) or the text does not parse.
   */
  public static java.util.Optional<org.apache.spark.sql.catalyst.expressions.Expression> parse(String sql) {
    try {
      SparkSession session = SparkSession.active();
      Object state = session.getClass().getMethod("sessionState").invoke(session);
      Object parser = state.getClass().getMethod("sqlParser").invoke(state);
      return java.util.Optional.of((org.apache.spark.sql.catalyst.expressions.Expression)
          parser.getClass().getMethod("parseExpression", String.class).invoke(parser, sql));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  private static void parseNow(String sql) {
    SparkSession session = SparkSession.active();
    Object parser;
    try {
      Object state = session.getClass().getMethod("sessionState").invoke(session);
      parser = state.getClass().getMethod("sqlParser").invoke(state);
    } catch (ReflectiveOperationException e) {
      return; // not a classic session (Spark Connect): the plan's analysis reports the error instead
    }
    try {
      parser.getClass().getMethod("parseExpression", String.class).invoke(parser, sql);
    } catch (InvocationTargetException e) {
      throw SqlExpressions.<RuntimeException>rethrow(e.getCause()); // the ParseException itself, as expr() throws it
    } catch (ReflectiveOperationException e) {
      // no such parser method: leave the error to analysis
    }
  }

  /** Throws {@code t} unwrapped: Spark's ParseException is a checked exception to Java, undeclared in Scala. */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T rethrow(Throwable t) throws T {
    throw (T) t;
  }
}
