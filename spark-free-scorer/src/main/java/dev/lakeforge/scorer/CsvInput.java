package dev.lakeforge.scorer;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import dev.lakeforge.core.error.Errors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;

/**
 * A CSV file with a header line, tokenised by FastCSV (RFC 4180: quoted values may hold commas, quotes and line
 * breaks). Cells are taken from FastCSV's buffer as it parses (its callback API): numeric columns are parsed there
 * by FastDoubleParser (the same doubles as {@link Double#parseDouble}), only columns read as text become Strings,
 * and other columns cost nothing. Empty cells, "NaN" and "null" are missing.
 */
final class CsvInput implements InputRows {
  private final Path file;
  private final Cells cells = new Cells();
  private final CsvReader<Cells> reader;
  private final Iterator<Cells> records;
  private final List<String> header;

  CsvInput(Path file) {
    this.file = file;
    try {
      // Field counts are checked here, so the message names the line and both counts.
      // A byte-order mark (spreadsheet exports) is not part of the first column's name.
      this.reader = CsvReader.builder().detectBomHeader(true).extraFieldStrategy(FieldMismatchStrategy.IGNORE)
          .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
          .build(cells, file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw Errors.inputUnreadable("CSV file", file.toString(), String.valueOf(e.getMessage()), e);
    }
    this.records = reader.iterator();
    cells.headerMode();
    if (!advance()) {
      close();
      throw Errors.fileToScore("Cannot score " + file + ": the file is empty", "give a CSV file with a header line");
    }
    this.header = List.copyOf(cells.headerNames);
    need(new BitSet(), new BitSet());
  }

  @Override
  public List<String> columns() {
    return header;
  }

  @Override
  public void need(BitSet numeric, BitSet textual) {
    cells.read(header.size(), numeric, textual);
  }

  private boolean advance() {
    try {
      if (!records.hasNext()) {
        return false;
      }
      records.next();
      return true;
    } catch (UncheckedIOException | CsvParseException e) {
      throw Errors.fileToScore("Cannot score " + file + ": " + e.getMessage(), "fix the file's CSV quoting");
    }
  }

  @Override
  public boolean next() {
    if (!advance()) {
      return false;
    }
    if (cells.fields != header.size()) {
      throw Errors.fileToScore("Cannot score " + file + ": line " + cells.line + " has " + cells.fields
          + " columns, the header " + header.size(), "fix that line (quote values that contain commas)");
    }
    return true;
  }

  @Override
  public String position() {
    return "line " + cells.line;
  }

  @Override
  public boolean isMissing(int column) {
    return cells.missing[column];
  }

  @Override
  public double number(int column) {
    if (cells.mode[column] == Cells.TEXT) { // read as text too (a kept column)
      return JavaDoubleParser.parseDouble(cells.text[column]);
    }
    if (cells.bad[column]) {
      throw new NumberFormatException(cells.text[column]);
    }
    return cells.number[column];
  }

  @Override
  public String text(int column) {
    return cells.text[column];
  }

  @Override
  public LocalDateTime time(int column, ZoneId zone) {
    return Timestamps.parse(cells.text[column], zone);
  }

  @Override
  public Object value(int column) {
    return cells.text[column];
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

  /** The current record's cells, filled by FastCSV as it parses; one instance reused for every record. */
  private static final class Cells extends AbstractBaseCsvCallbackHandler<Cells> {
    private static final byte SKIP = 0;
    private static final byte NUMBER = 1;
    private static final byte TEXT = 2;
    final List<String> headerNames = new ArrayList<>();
    boolean inHeader;
    byte[] mode = new byte[0];
    double[] number = new double[0];
    String[] text = new String[0];
    boolean[] missing = new boolean[0];
    boolean[] bad = new boolean[0];
    long line;
    int fields;

    void headerMode() {
      inHeader = true;
    }

    void read(int width, BitSet numeric, BitSet textual) {
      inHeader = false;
      mode = new byte[width];
      for (int c = 0; c < width; c++) {
        mode[c] = textual.get(c) ? TEXT : numeric.get(c) ? NUMBER : SKIP;
      }
      number = new double[width];
      text = new String[width];
      missing = new boolean[width];
      bad = new boolean[width];
    }

    @Override
    protected void handleBegin(long startingLineNumber) {
      line = startingLineNumber;
      fields = 0;
    }

    @Override
    protected void handleField(int index, char[] buf, int offset, int len, boolean quoted) {
      fields = index + 1;
      if (inHeader) {
        headerNames.add(new String(buf, offset, len));
        return;
      }
      if (index >= mode.length || mode[index] == SKIP) {
        return;
      }
      boolean empty = len == 0 || isWord(buf, offset, len, "null") || isWord(buf, offset, len, "NaN");
      missing[index] = empty;
      if (mode[index] == TEXT) {
        text[index] = new String(buf, offset, len);
        return;
      }
      bad[index] = false;
      if (!empty) {
        try {
          number[index] = JavaDoubleParser.parseDouble(buf, offset, len);
        } catch (NumberFormatException e) { // the message names the cell: keep its text for it
          bad[index] = true;
          text[index] = new String(buf, offset, len);
        }
      }
    }

    private static boolean isWord(char[] buf, int offset, int len, String word) {
      if (len != word.length()) {
        return false;
      }
      for (int i = 0; i < len; i++) {
        if (Character.toLowerCase(buf[offset + i]) != Character.toLowerCase(word.charAt(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    protected Cells buildRecord() {
      return this;
    }
  }
}
