package dev.lakeforge.scorer;

import com.fasterxml.jackson.core.io.NumberInput;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.lakeforge.core.error.Errors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.List;

/**
 * A CSV file with a header line, read by FastCSV (RFC 4180: quoted values may hold commas, quotes and line breaks).
 * Numbers are parsed by Jackson's fast double parser (FastDoubleParser, the same result as
 * {@link Double#parseDouble}, several times faster).
 */
final class CsvInput implements InputRows {
  private final Path file;
  private final CsvReader<CsvRecord> reader;
  private final Iterator<CsvRecord> records;
  private final List<String> header;
  private CsvRecord current;

  CsvInput(Path file) {
    this.file = file;
    try {
      // Field counts are checked here, so the message names the line and both counts.
      this.reader = CsvReader.builder().allowExtraFields(true).allowMissingFields(true)
          .ofCsvRecord(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw Errors.inputUnreadable("CSV file", file.toString(), String.valueOf(e.getMessage()), e);
    }
    this.records = reader.iterator();
    if (!records.hasNext()) {
      close();
      throw Errors.usage("Cannot score " + file + ": the file is empty", "give a CSV file with a header line");
    }
    this.header = List.copyOf(records.next().getFields());
  }

  @Override
  public List<String> columns() {
    return header;
  }

  @Override
  public boolean next() {
    try {
      if (!records.hasNext()) {
        return false;
      }
      current = records.next();
    } catch (UncheckedIOException | de.siegmar.fastcsv.reader.CsvParseException e) {
      throw Errors.usage("Cannot score " + file + ": " + e.getMessage(), "fix the file's CSV quoting");
    }
    if (current.getFieldCount() != header.size()) {
      throw Errors.usage("Cannot score " + file + ": line " + current.getStartingLineNumber() + " has "
          + current.getFieldCount() + " columns, the header " + header.size(),
          "fix that line (quote values that contain commas)");
    }
    return true;
  }

  @Override
  public String position() {
    return "line " + current.getStartingLineNumber();
  }

  @Override
  public boolean isMissing(int column) {
    String cell = current.getField(column);
    return cell.isEmpty() || cell.equals("NaN") || cell.equalsIgnoreCase("null");
  }

  @Override
  public double number(int column) {
    return NumberInput.parseDouble(current.getField(column), true);
  }

  @Override
  public String text(int column) {
    return current.getField(column);
  }

  @Override
  public LocalDateTime time(int column, ZoneId zone) {
    return Timestamps.parse(current.getField(column), zone);
  }

  @Override
  public Object value(int column) {
    return current.getField(column);
  }

  @Override
  public org.apache.parquet.schema.PrimitiveType parquetType(int column) {
    return null;
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
