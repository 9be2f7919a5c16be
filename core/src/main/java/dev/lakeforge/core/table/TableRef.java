package dev.lakeforge.core.table;

import dev.lakeforge.core.error.Errors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A table reference {@code layer.name}, optionally pinned to a version: {@code silver.flights@v12}. Names are
 * restricted to identifier characters, so a reference can never escape the lake root.
 */
public record TableRef(String layer, String name, Long version) {
  private static final Pattern REF =
      Pattern.compile("([a-z][a-z0-9_]*)\\.([A-Za-z][A-Za-z0-9_]*)(?:@v(\\d+))?");

  public static TableRef parse(String text) {
    Matcher m = REF.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw Errors.usage("Cannot parse table reference '" + text + "': expected layer.name or layer.name@vN",
          "write e.g. silver.flights or silver.flights@v3");
    }
    return new TableRef(m.group(1), m.group(2), m.group(3) == null ? null : Long.parseLong(m.group(3)));
  }

  public static TableRef of(String layer, String name) {
    return parse(layer + "." + name);
  }

  public String table() {
    return layer + "." + name;
  }

  @Override
  public String toString() {
    return version == null ? table() : table() + "@v" + version;
  }
}
