package dev.lakeforge.core.table;

import dev.lakeforge.core.error.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What a write may do to an existing table's schema. {@code FAIL}: nothing; {@code ADD_COLUMNS}: add columns.
 * Dropped and retyped columns always fail, since downstream readers would silently get nulls or casts.
 */
public enum SchemaPolicy {
  FAIL, ADD_COLUMNS, REPLACE;

  public static SchemaPolicy of(String configValue) {
    return valueOf(configValue.toUpperCase(Locale.ROOT));
  }

  /** Checks {@code incoming} against {@code existing}; returns true when the write must merge new columns. */
  public boolean check(String table, StructType existing, StructType incoming) {
    if (this == REPLACE) {
      return false;
    }
    Map<String, StructField> before = fields(existing);
    Map<String, StructField> after = fields(incoming);
    List<String> dropped = new ArrayList<>();
    List<String> retyped = new ArrayList<>();
    List<String> added = new ArrayList<>();
    before.forEach((name, f) -> {
      StructField now = after.get(name);
      if (now == null) {
        dropped.add(name + " " + f.dataType().simpleString());
      } else if (!now.dataType().sameType(f.dataType())) {
        retyped.add(name + " " + f.dataType().simpleString() + " -> " + now.dataType().simpleString());
      }
    });
    after.forEach((name, f) -> {
      if (!before.containsKey(name)) {
        added.add(name + " " + f.dataType().simpleString());
      }
    });
    if (dropped.isEmpty() && retyped.isEmpty() && (added.isEmpty() || this == ADD_COLUMNS)) {
      return !added.isEmpty();
    }
    List<String> changes = new ArrayList<>();
    if (!dropped.isEmpty()) {
      changes.add("dropped " + String.join(", ", dropped));
    }
    if (!retyped.isEmpty()) {
      changes.add("retyped " + String.join(", ", retyped));
    }
    if (!added.isEmpty()) {
      changes.add("added " + String.join(", ", added));
    }
    throw Errors.schemaChanged(table, String.join("; ", changes), this == FAIL
        ? "schema_policy: fail" : "schema_policy: add_columns allows only added columns");
  }

  private static Map<String, StructField> fields(StructType schema) {
    return java.util.Arrays.stream(schema.fields()).collect(Collectors.toMap(StructField::name, f -> f,
        (a, b) -> a, java.util.LinkedHashMap::new));
  }
}
