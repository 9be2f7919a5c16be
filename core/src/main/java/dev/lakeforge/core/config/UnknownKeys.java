package dev.lakeforge.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Finds the first key a config tree has that its record type does not. Checked before binding, because Jackson
 * builds a record before it reports unknown keys, and "x is required" hides the real cause, a misspelt x.
 */
final class UnknownKeys {
  private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

  /** An unknown key: its path from the root and the keys allowed where it stands. */
  record Unknown(List<String> path, String allowed) {}

  private UnknownKeys() {}

  static Optional<Unknown> find(JsonNode node, Type type) {
    return find(node, type, new ArrayList<>());
  }

  private static Optional<Unknown> find(JsonNode node, Type type, List<String> path) {
    if (node == null || !node.isContainerNode()) {
      return Optional.empty();
    }
    Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (raw.isRecord() && node.isObject()) {
      TreeSet<String> allowed = new TreeSet<>();
      for (RecordComponent c : raw.getRecordComponents()) {
        allowed.add(key(c));
      }
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        List<String> here = append(path, name);
        if (!allowed.contains(name)) {
          return Optional.of(new Unknown(here, String.join(", ", allowed)));
        }
        for (RecordComponent c : raw.getRecordComponents()) {
          if (key(c).equals(name)) {
            Optional<Unknown> inner = find(node.get(name), c.getGenericType(), here);
            if (inner.isPresent()) {
              return inner;
            }
          }
        }
      }
    } else if (type instanceof ParameterizedType p && List.class.isAssignableFrom(raw) && node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        Optional<Unknown> inner = find(node.get(i), p.getActualTypeArguments()[0], append(path, String.valueOf(i)));
        if (inner.isPresent()) {
          return inner;
        }
      }
    } else if (type instanceof ParameterizedType p && Map.class.isAssignableFrom(raw) && node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> e = node.fields(); e.hasNext(); ) {
        var entry = e.next();
        Optional<Unknown> inner = find(entry.getValue(), p.getActualTypeArguments()[1], append(path, entry.getKey()));
        if (inner.isPresent()) {
          return inner;
        }
      }
    }
    return Optional.empty();
  }

  /** The YAML key of a record component: its {@code @JsonProperty} name (e.g. a Java keyword), else snake_case. */
  private static String key(RecordComponent c) {
    com.fasterxml.jackson.annotation.JsonProperty renamed =
        c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
    return renamed != null && !renamed.value().isEmpty() ? renamed.value() : SNAKE.translate(c.getName());
  }

  private static List<String> append(List<String> path, String name) {
    List<String> out = new ArrayList<>(path);
    out.add(name);
    return out;
  }
}
