package dev.lakeforge.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code validate} removes duplicates: rows sharing {@code keys} are one logical row, and the first of them in
 * {@code orderBy} is kept. Written in YAML either as the short form {@code deduplicate: [id]} or as
 * {@code deduplicate: {keys: [driver_id, ts], order_by: [created desc]}}.
 *
 * <p>The order is always completed the same way, so reruns keep the same row: after the given terms come the
 * ingest batch, newest first ({@code _ingest_time desc}, when the table has it), then every other column's value,
 * ascending, nulls last, in column-name order (unorderable types such as maps compared by their JSON text).
 * A row with a null in any key column is nobody's duplicate (SQL's and dbt's semantics): it is always kept.
 *
 * @param keys    the key columns, at least one
 * @param orderBy terms {@code COLUMN [asc|desc]}, most significant first; nulls sort last either way
 */
public record DeduplicateConfig(List<String> keys, List<String> orderBy) {
  public DeduplicateConfig {
    keys = List.copyOf(Require.notEmpty(keys, "keys"));
    orderBy = List.copyOf(Require.orDefault(orderBy, List.of()));
    for (String term : orderBy) {
      OrderTerm.parse(term);
    }
  }

  /** The short form: a list of key columns, ordered by the default rule. */
  public static DeduplicateConfig ofKeys(List<String> keys) {
    return new DeduplicateConfig(keys, null);
  }

  /**
   * Binds either YAML form. (Jackson lets a delegating creator take every shape once declared, so one creator reads
   * both; unknown keys of the long form are rejected before binding, with the rest of the config.)
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static DeduplicateConfig fromYaml(JsonNode node) {
    if (node.isArray()) {
      return ofKeys(strings(node, "deduplicate"));
    }
    if (node.isObject()) {
      return new DeduplicateConfig(node.has("keys") ? strings(node.get("keys"), "keys") : null,
          node.has("order_by") ? strings(node.get("order_by"), "order_by") : null);
    }
    throw new IllegalArgumentException("key 'deduplicate' must be a list of key columns or {keys: [...], "
        + "order_by: [COLUMN asc|desc, ...]}");
  }

  private static List<String> strings(JsonNode node, String key) {
    if (!node.isArray()) {
      throw new IllegalArgumentException("key '" + key + "' must be a list of column names");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isTextual()) {
        throw new IllegalArgumentException("key '" + key + "' must list column names, not " + n);
      }
      out.add(n.asText());
    }
    return out;
  }

  public List<OrderTerm> orderTerms() {
    List<OrderTerm> out = new ArrayList<>();
    orderBy.forEach(t -> out.add(OrderTerm.parse(t)));
    return out;
  }

  /** One {@code order_by} term: a column and a direction. */
  public record OrderTerm(String column, boolean descending) {
    /** Parses {@code "created desc"}, {@code "n asc"} or {@code "n"} (ascending); the column may hold spaces. */
    public static OrderTerm parse(String term) {
      String t = Require.present(term, "order_by").strip();
      int space = t.lastIndexOf(' ');
      if (space > 0) {
        String direction = t.substring(space + 1).toLowerCase(java.util.Locale.ROOT);
        if (direction.equals("asc") || direction.equals("desc")) {
          return new OrderTerm(t.substring(0, space).strip(), direction.equals("desc"));
        }
      }
      return new OrderTerm(t, false);
    }

    @Override
    public String toString() {
      return column + (descending ? " desc" : " asc");
    }
  }
}
