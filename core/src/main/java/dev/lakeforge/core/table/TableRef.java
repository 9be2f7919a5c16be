package dev.lakeforge.core.table;

import dev.lakeforge.core.error.Errors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A table reference {@code layer.name}, optionally pinned: to a version ({@code silver.flights@v12}), to the
 * version current at a time ({@code silver.flights@2026-11-01T06:00:00}, or a date for its start), or to a
 * named version ({@code silver.flights@tag:golden}). Names are restricted to identifier characters, so a
 * reference can never escape the lake root or smuggle SQL.
 *
 * @param version exact version, or null
 * @param asOf    ISO date or date-time, or null
 * @param tag     tag name recorded with {@code lakeforge tables tag}, or null
 */
public record TableRef(String layer, String name, Long version, String asOf, String tag) {
  private static final Pattern REF = Pattern.compile("([a-z][a-z0-9_]*)\\.([A-Za-z][A-Za-z0-9_]*)"
      + "(?:@v(\\d+)|@(\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?)?)|@tag:([A-Za-z0-9_.-]+))?");

  public TableRef(String layer, String name, Long version) {
    this(layer, name, version, null, null);
  }

  public static TableRef parse(String text) {
    Matcher m = REF.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw Errors.usage("Cannot parse table reference '" + text + "': expected layer.name, optionally pinned with "
          + "@vN, @YYYY-MM-DD[THH:MM:SS] or @tag:NAME", "write e.g. silver.flights, silver.flights@v3, "
          + "silver.flights@2026-11-01T06:00:00 or silver.flights@tag:golden");
    }
    return new TableRef(m.group(1), m.group(2), m.group(3) == null ? null : Long.parseLong(m.group(3)),
        m.group(4) == null ? null : m.group(4).replace(' ', 'T'), m.group(5));
  }

  public static TableRef of(String layer, String name) {
    return parse(layer + "." + name);
  }

  public String table() {
    return layer + "." + name;
  }

  public TableRef atVersion(long v) {
    return new TableRef(layer, name, v);
  }

  public boolean pinned() {
    return version != null || asOf != null || tag != null;
  }

  @Override
  public String toString() {
    if (version != null) {
      return table() + "@v" + version;
    }
    return asOf != null ? table() + "@" + asOf : tag != null ? table() + "@tag:" + tag : table();
  }
}
