package dev.lakeforge.core.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Column names from config or data, made safe for Spark: a name with dots, spaces or backticks (a CSV header, a
 * feature name) is one column, never a path into a struct or a piece of SQL.
 */
public final class ColumnNames {
  private ColumnNames() {}

  /** The name as a backtick-quoted SQL identifier, its own backticks doubled. */
  public static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** The top-level column with exactly this name. */
  public static Column column(String name) {
    return functions.col(quoted(name));
  }
}
