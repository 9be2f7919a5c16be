package dev.lakeforge.scorer;

import java.io.Closeable;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

/**
 * A file of rows read one row at a time, cell accessors on the current row: no row objects are kept, so memory does
 * not grow with the file. Column indexes are positions in {@link #columns()}.
 */
interface InputRows extends Closeable {
  /** The file's column names, in file order. */
  List<String> columns();

  /**
   * Which columns the scorer reads, by position: as numbers, or as text (timestamps, categories, kept columns).
   * Call before the first {@link #next()}; other columns are not decoded.
   */
  void need(java.util.BitSet numeric, java.util.BitSet textual);

  /** Advances to the next row; false at the end. A malformed row is a {@link dev.lakeforge.core.error.ErrorKind#USAGE} error. */
  boolean next() throws IOException;

  /** Where the current row is, for messages: "line 3" (CSV, counting the header) or "row 17" (Parquet, from 1). */
  String position();

  /** True when the cell is missing: empty, "NaN" or "null" in CSV, a null or NaN in Parquet. */
  boolean isMissing(int column);

  /** The cell as a double. @throws NumberFormatException when it is not a number (text that does not parse) */
  double number(int column);

  /** The cell as Spark's {@code CAST(value AS STRING)} writes it (how index vocabularies are keyed). */
  String text(int column);

  /**
   * The cell as a wall-clock date-time in {@code zone}, as Spark's hour/month/... see a timestamp in its session
   * time zone. @throws java.time.DateTimeException when the cell is not a date or timestamp
   */
  LocalDateTime time(int column, ZoneId zone);

  /** The cell for the output: a String (CSV) or the Parquet value (Long, Integer, Double, Float, Boolean, Binary). */
  Object value(int column);

  /** The column's Parquet type, to write kept columns as they came; null for CSV (kept columns are strings). */
  org.apache.parquet.schema.PrimitiveType parquetType(int column);
}
