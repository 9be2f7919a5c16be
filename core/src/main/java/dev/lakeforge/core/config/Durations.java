package dev.lakeforge.core.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in config: a whole number and a unit, {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}. */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([smhd])");

  private Durations() {}

  public static Duration parse(String text, String key) {
    Matcher m = text == null ? null : FORM.matcher(text.strip());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("key '" + key + "' is '" + text
          + "' but must be a whole number and a unit s, m, h or d (e.g. 24h, 7d)"
          + (text != null && text.strip().equals("0") ? "; for no limit write 0s or leave the key out" : ""));
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
