package dev.lakeforge.core.config;

import java.util.Collection;
import java.util.Set;

/** Checks used by the config records' constructors; the loader adds file and line to the message. */
public final class Require {
  private Require() {}

  public static <T> T present(T value, String key) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      throw new IllegalArgumentException("key '" + key + "' is required");
    }
    return value;
  }

  public static String oneOf(String value, String key, Set<String> allowed) {
    if (value != null && !allowed.contains(value)) {
      throw new IllegalArgumentException(
          "key '" + key + "' is '" + value + "' but must be one of " + String.join(", ", allowed.stream().sorted().toList()));
    }
    return value;
  }

  public static <T extends Collection<?>> T notEmpty(T value, String key) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("key '" + key + "' needs at least one entry");
    }
    return value;
  }

  public static <T> T orDefault(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
