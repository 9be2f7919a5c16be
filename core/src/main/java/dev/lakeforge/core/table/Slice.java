package dev.lakeforge.core.table;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The rows of a table that a write replaces (Delta's {@code replaceWhere}): each named column equal to its value,
 * all of them together, e.g. one run date's rows, or one entity's rows of one run date. Built from typed parts so
 * that no caller writes SQL.
 *
 * @param columns column name to value, in the order given; a value is compared as a string literal, which Spark
 *     casts to the column's type (a DATE column equals {@code '2001-06-15'})
 */
public record Slice(Map<String, String> columns) {
  public Slice {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("Cannot build a slice: it names no column");
    }
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }

  /** The rows whose {@code column} equals {@code value} ({@code value.toString()}: a LocalDate as yyyy-MM-dd). */
  public static Slice where(String column, Object value) {
    return new Slice(Map.of(column, value.toString()));
  }

  /** These rows, narrowed to those whose {@code column} also equals {@code value}. */
  public Slice and(String column, Object value) {
    Map<String, String> more = new LinkedHashMap<>(columns);
    more.put(column, value.toString());
    return new Slice(more);
  }

  /**
   * The Spark SQL predicate, e.g. {@code `run_date` = '2001-06-15' AND `entity` = 'flights'}: names back-quoted,
   * values as string literals with {@code \} and {@code '} escaped (Spark's default string-literal escaping).
   */
  public String predicate() {
    return columns.entrySet().stream()
        .map(e -> "`" + e.getKey().replace("`", "``") + "` = '"
            + e.getValue().replace("\\", "\\\\").replace("'", "\\'") + "'")
        .collect(Collectors.joining(" AND "));
  }

  @Override
  public String toString() {
    return predicate();
  }
}
