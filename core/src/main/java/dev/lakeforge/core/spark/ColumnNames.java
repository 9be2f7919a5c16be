package dev.lakeforge.core.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

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

  /**
   * The column as something Spark can hash and sort: a map, or a type holding one, becomes its JSON text (Spark
   * refuses to hash or order maps); any other type is returned as it is.
   */
  public static Column comparable(String name, DataType type) {
    return containsMap(type) ? functions.to_json(column(name)) : column(name);
  }

  /** Whether a type is or holds a map. */
  public static boolean containsMap(DataType type) {
    if (type instanceof MapType) {
      return true;
    }
    if (type instanceof ArrayType a) {
      return containsMap(a.elementType());
    }
    if (type instanceof StructType s) {
      return java.util.Arrays.stream(s.fields()).anyMatch(f -> containsMap(f.dataType()));
    }
    return false;
  }
}
