package dev.lakeforge.scorer;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAccessor;

/** Timestamp text and time parts as Spark reads and computes them. */
final class Timestamps {
  // What Spark's CAST(string AS TIMESTAMP) takes: a date, or date and time with 'T' or ' ', optional fraction
  // and optional zone (Z, +01:00, +0100, or a region in brackets); a value without a zone is wall-clock time.
  private static final DateTimeFormatter TEXT = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .optionalStart().optionalStart().appendLiteral('T').optionalEnd().optionalStart().appendLiteral(' ').optionalEnd()
      .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':').appendValue(ChronoField.MINUTE_OF_HOUR, 2)
      .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().optionalEnd()
      .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
      .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
      .optionalStart().appendLiteral(' ').optionalEnd()
      .optionalStart().appendLiteral('[').appendZoneRegionId().appendLiteral(']').optionalEnd()
      .optionalEnd()
      .toFormatter();

  private Timestamps() {}

  /** Parses timestamp text; a value with a zone or offset is moved into {@code zone}. */
  static LocalDateTime parse(String text, ZoneId zone) {
    TemporalAccessor t = TEXT.parse(text.trim());
    LocalDate date = LocalDate.from(t);
    if (!t.isSupported(ChronoField.HOUR_OF_DAY)) {
      return date.atStartOfDay();
    }
    LocalDateTime local = LocalDateTime.of(date, java.time.LocalTime.from(t));
    ZoneId given = t.query(java.time.temporal.TemporalQueries.zone());
    return given == null ? local : local.atZone(given).withZoneSameInstant(zone).toLocalDateTime();
  }

  /** An instant as wall-clock time in {@code zone}. */
  static LocalDateTime at(Instant instant, ZoneId zone) {
    return LocalDateTime.ofInstant(instant, zone);
  }

  /** Spark's hour, minute, dayofweek (1 = Sunday), dayofmonth, dayofyear, weekofyear (ISO 8601), month. */
  static int part(String part, LocalDateTime t) {
    return switch (part) {
      case "hour" -> t.getHour();
      case "minute" -> t.getMinute();
      case "day_of_week" -> t.getDayOfWeek().getValue() % 7 + 1;
      case "day_of_month" -> t.getDayOfMonth();
      case "day_of_year" -> t.getDayOfYear();
      case "week_of_year" -> t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      case "month" -> t.getMonthValue();
      default -> throw new DateTimeException("unknown time part " + part);
    };
  }
}
