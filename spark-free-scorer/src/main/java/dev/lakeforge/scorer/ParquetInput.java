package dev.lakeforge.scorer;

import dev.lakeforge.core.error.Errors;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * A Parquet file (Spark's, pandas', DuckDB's...) read row group by row group and row by row: only the columns the
 * scorer needs are decoded, and no record objects are built. Numeric columns go through {@link NumericColumnChunk}
 * (a page at a time into arrays), the others through parquet-java's column readers. Top-level
 * primitive columns only; a nested column may be kept out of the way but not read.
 */
final class ParquetInput implements InputRows {
  private final Path file;
  private final ParquetFileReader reader;
  private final MessageType schema;
  private final List<String> columns = new ArrayList<>();
  private final String createdBy;
  private Slot[] slots;
  private PageReadStore rowGroup;
  private long rowGroupLeft;
  private long row;

  /** The current row's value of one needed column. */
  private static final class Slot {
    final ColumnDescriptor descriptor;
    final PrimitiveType type;
    final PrimitiveType.PrimitiveTypeName physical;
    /** A FLOAT or DOUBLE column: NaN is missing, as Spark reads it. */
    final boolean floating;
    /** A plain number: no decimal, date or timestamp annotation to interpret (decided once, not per value). */
    final boolean plainNumber;
    final boolean numeric;
    ColumnReader reader;
    NumericColumnChunk chunk;
    boolean isNull;
    long longValue;
    double doubleValue;
    boolean booleanValue;
    Binary binary;

    Slot(ColumnDescriptor descriptor) {
      this.descriptor = descriptor;
      this.type = descriptor.getPrimitiveType();
      this.physical = type.getPrimitiveTypeName();
      this.floating = physical == PrimitiveType.PrimitiveTypeName.DOUBLE
          || physical == PrimitiveType.PrimitiveTypeName.FLOAT;
      this.plainNumber = type.getLogicalTypeAnnotation() == null
          || type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation;
      this.numeric = NumericColumnChunk.handles(descriptor);
    }
  }

  ParquetInput(Path file) {
    this.file = file;
    LocalInputFile local = new LocalInputFile(file);
    try {
      reader = ParquetFileReader.open(local, ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
    } catch (IOException | RuntimeException e) {
      // parquet-java names the file by its object's toString ("LocalInputFile@42e99e4a"): name it by its path.
      throw Errors.inputUnreadable("Parquet file", file.toString(), String.valueOf(e.getMessage())
          .replace(local.toString(), file.toString()) + " (is it a Parquet file?)", e);
    }
    schema = reader.getFooter().getFileMetaData().getSchema();
    createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
    for (Type field : schema.getFields()) {
      columns.add(field.getName());
    }
  }

  @Override
  public List<String> columns() {
    return columns;
  }

  @Override
  public void need(BitSet numeric, BitSet textual) {
    BitSet needed = (BitSet) numeric.clone();
    needed.or(textual);
    slots = new Slot[columns.size()];
    for (int c = needed.nextSetBit(0); c >= 0; c = needed.nextSetBit(c + 1)) {
      Type field = schema.getType(c);
      if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
        throw Errors.fileToScore("Cannot score " + file + ": column '" + field.getName() + "' is nested (" + field
            + "), and the scorer reads flat columns", "flatten it, or leave it out of --keep");
      }
      slots[c] = new Slot(schema.getColumnDescription(new String[] {field.getName()}));
    }
  }

  @Override
  public boolean next() throws IOException {
    if (slots == null) {
      need(new BitSet(), new BitSet());
    }
    while (rowGroupLeft == 0) {
      rowGroup = reader.readNextRowGroup();
      if (rowGroup == null) {
        return false;
      }
      rowGroupLeft = rowGroup.getRowCount();
      ColumnReadStoreImpl store = new ColumnReadStoreImpl(rowGroup, new Ignored(), schema, createdBy);
      for (Slot s : slots) {
        if (s != null && s.numeric) {
          s.chunk = new NumericColumnChunk(rowGroup.getPageReader(s.descriptor), s.descriptor);
        } else if (s != null) {
          s.reader = store.getColumnReader(s.descriptor);
        }
      }
    }
    for (Slot s : slots) {
      if (s != null) {
        read(s);
      }
    }
    rowGroupLeft--;
    row++;
    return true;
  }

  private static void read(Slot s) throws IOException {
    if (s.numeric) {
      NumericColumnChunk c = s.chunk;
      c.next();
      s.isNull = c.isNull();
      if (!s.isNull) {
        if (s.floating) {
          s.doubleValue = c.doubleValue();
        } else {
          s.longValue = c.longValue();
        }
      }
      return;
    }
    ColumnReader r = s.reader;
    s.isNull = r.getCurrentDefinitionLevel() < s.descriptor.getMaxDefinitionLevel();
    if (!s.isNull) {
      switch (s.type.getPrimitiveTypeName()) {
        case INT32 -> s.longValue = r.getInteger();
        case INT64 -> s.longValue = r.getLong();
        case DOUBLE -> s.doubleValue = r.getDouble();
        case FLOAT -> s.doubleValue = r.getFloat();
        case BOOLEAN -> s.booleanValue = r.getBoolean();
        default -> s.binary = r.getBinary(); // BINARY, FIXED_LEN_BYTE_ARRAY, INT96
      }
    }
    r.consume();
  }

  @Override
  public String position() {
    return "row " + row;
  }

  @Override
  public boolean isMissing(int column) {
    Slot s = slots[column];
    return s.isNull || (s.floating && Double.isNaN(s.doubleValue));
  }

  @Override
  public double number(int column) {
    Slot s = slots[column];
    if (s.plainNumber && s.numeric) {
      return s.floating ? s.doubleValue : (double) s.longValue;
    }
    LogicalTypeAnnotation logical = s.type.getLogicalTypeAnnotation();
    if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
      return decimal(s).doubleValue();
    }
    if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation
        || logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) {
      throw new NumberFormatException("a " + logical + " is not a number");
    }
    return switch (s.type.getPrimitiveTypeName()) {
      case INT32, INT64 -> (double) s.longValue;
      case DOUBLE, FLOAT -> s.doubleValue;
      case BOOLEAN -> s.booleanValue ? 1.0 : 0.0; // Spark: CAST(true AS DOUBLE) = 1.0
      case BINARY -> com.fasterxml.jackson.core.io.NumberInput.parseDouble(s.binary.toStringUsingUTF8(), true);
      default -> throw new NumberFormatException("a " + s.type.getPrimitiveTypeName() + " is not a number");
    };
  }

  @Override
  public String text(int column) {
    Slot s = slots[column];
    LogicalTypeAnnotation logical = s.type.getLogicalTypeAnnotation();
    if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
      return decimal(s).toPlainString();
    }
    if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
      return LocalDate.ofEpochDay(s.longValue).toString();
    }
    return switch (s.type.getPrimitiveTypeName()) {
      case INT32, INT64 -> logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation
          ? time(column, ZoneOffset.UTC).toString() : Long.toString(s.longValue);
      case DOUBLE -> Double.toString(s.doubleValue);
      case FLOAT -> Float.toString((float) s.doubleValue);
      case BOOLEAN -> Boolean.toString(s.booleanValue);
      case INT96 -> time(column, ZoneOffset.UTC).toString();
      default -> s.binary.toStringUsingUTF8();
    };
  }

  @Override
  public LocalDateTime time(int column, ZoneId zone) {
    Slot s = slots[column];
    LogicalTypeAnnotation logical = s.type.getLogicalTypeAnnotation();
    if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
      return LocalDate.ofEpochDay(s.longValue).atStartOfDay();
    }
    if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
      Instant instant = switch (ts.getUnit()) {
        case MILLIS -> Instant.ofEpochMilli(s.longValue);
        case MICROS -> Instant.EPOCH.plusSeconds(Math.floorDiv(s.longValue, 1_000_000L))
            .plusNanos(Math.floorMod(s.longValue, 1_000_000L) * 1000L);
        case NANOS -> Instant.EPOCH.plusNanos(s.longValue);
      };
      // Adjusted to UTC: an instant (Spark's TIMESTAMP), seen in the zone; not adjusted: wall-clock (TIMESTAMP_NTZ).
      return ts.isAdjustedToUTC() ? Timestamps.at(instant, zone) : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
    if (s.type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96) {
      // Spark's legacy timestamps: nanoseconds of the day, then the Julian day, little-endian.
      ByteBuffer b = s.binary.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      long nanos = b.getLong();
      long julianDay = Integer.toUnsignedLong(b.getInt());
      Instant instant = Instant.EPOCH.plusSeconds((julianDay - 2_440_588L) * 86_400L).plusNanos(nanos);
      return Timestamps.at(instant, zone);
    }
    if (s.type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY) {
      return Timestamps.parse(s.binary.toStringUsingUTF8(), zone);
    }
    throw new DateTimeException("a " + s.type.getPrimitiveTypeName() + (logical == null ? "" : " " + logical)
        + " is not a timestamp");
  }

  @Override
  public Object value(int column) {
    Slot s = slots[column];
    if (s.isNull) {
      return null;
    }
    return switch (s.type.getPrimitiveTypeName()) {
      case INT32 -> (int) s.longValue;
      case INT64 -> s.longValue;
      case DOUBLE -> s.doubleValue;
      case FLOAT -> (float) s.doubleValue;
      case BOOLEAN -> s.booleanValue;
      default -> s.binary.copy();
    };
  }

  @Override
  public PrimitiveType parquetType(int column) {
    return schema.getType(column).asPrimitiveType();
  }

  private static BigDecimal decimal(Slot s) {
    int scale = ((LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) s.type.getLogicalTypeAnnotation()).getScale();
    return switch (s.type.getPrimitiveTypeName()) {
      case INT32, INT64 -> BigDecimal.valueOf(s.longValue, scale);
      default -> new BigDecimal(new BigInteger(s.binary.getBytes()), scale);
    };
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /** Column readers need a converter tree; values are taken from the readers directly, so it ignores them. */
  private static final class Ignored extends GroupConverter {
    @Override
    public Converter getConverter(int fieldIndex) {
      return new PrimitiveConverter() {};
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }
}
