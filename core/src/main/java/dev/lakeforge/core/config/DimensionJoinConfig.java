package dev.lakeforge.core.config;

import java.util.Map;

/**
 * A left join of a dimension table (e.g. airports) onto the rows before features are computed.
 *
 * @param table   the dimension table, any pin (e.g. silver.airports@v2); at most one row per join key
 * @param on      row column → dimension column, e.g. {origin: iata}
 * @param columns new column name → dimension column, e.g. {origin_latitude: latitude}
 */
public record DimensionJoinConfig(String table, Map<String, String> on, Map<String, String> columns) {
  public DimensionJoinConfig {
    Require.present(table, "table");
    on = ordered(on, "on");
    columns = ordered(columns, "columns");
  }

  private static Map<String, String> ordered(Map<String, String> map, String key) {
    if (map == null || map.isEmpty()) {
      throw new IllegalArgumentException("key '" + key + "' needs at least one entry");
    }
    return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
  }
}
