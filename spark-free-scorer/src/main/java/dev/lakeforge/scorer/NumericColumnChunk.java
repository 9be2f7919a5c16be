package dev.lakeforge.scorer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * One flat INT32, INT64, FLOAT or DOUBLE column of a row group, decoded a page at a time into arrays the scorer reads
 * row by row. parquet-java reads the pages, decompresses them, decodes the definition levels (its RLE decoder) and
 * any encoding other than PLAIN (its values readers and dictionaries); PLAIN values (what writers fall back to for
 * numbers with many distinct values) are copied out of the page's little-endian bytes in one loop. Its column
 * readers, which the other columns use, cost several calls per value (profiled: most of a Parquet scorer run's read).
 */
final class NumericColumnChunk {
  private final PageReader pages;
  private final ColumnDescriptor descriptor;
  private final PrimitiveTypeName type;
  private final int maxDefinition;
  private final Dictionary dictionary;
  private boolean[] missing = new boolean[0];
  private long[] longs = new long[0];
  private double[] doubles = new double[0];
  private int size;
  private int at = -1;

  NumericColumnChunk(PageReader pages, ColumnDescriptor descriptor) throws IOException {
    this.pages = pages;
    this.descriptor = descriptor;
    this.type = descriptor.getPrimitiveType().getPrimitiveTypeName();
    this.maxDefinition = descriptor.getMaxDefinitionLevel();
    DictionaryPage page = pages.readDictionaryPage();
    this.dictionary = page == null ? null : page.getEncoding().initDictionary(descriptor, page);
  }

  /** Whether this reader takes the column: flat and numeric. */
  static boolean handles(ColumnDescriptor descriptor) {
    return descriptor.getMaxRepetitionLevel() == 0 && switch (descriptor.getPrimitiveType().getPrimitiveTypeName()) {
      case INT32, INT64, FLOAT, DOUBLE -> true;
      default -> false;
    };
  }

  /** Moves to the next row's value. */
  void next() throws IOException {
    while (++at >= size) { // a page may hold no values: read on
      load(pages.readPage());
      at = -1;
    }
  }

  boolean isNull() {
    return missing[at];
  }

  /** INT32 and INT64 values (dates, timestamps and decimals keep their stored integer). */
  long longValue() {
    return longs[at];
  }

  /** FLOAT and DOUBLE values. */
  double doubleValue() {
    return doubles[at];
  }

  private void load(DataPage page) throws IOException {
    if (page == null) {
      throw new IOException("column " + descriptor + " has fewer values than its row group has rows");
    }
    int n = page.getValueCount();
    if (missing.length < n) { // only the array of the column's kind is used
      missing = new boolean[n];
      boolean floating = type == PrimitiveTypeName.FLOAT || type == PrimitiveTypeName.DOUBLE;
      longs = floating ? longs : new long[n];
      doubles = floating ? new double[n] : doubles;
    }
    size = n;
    ByteBufferInputStream values;
    Encoding encoding;
    if (page instanceof DataPageV1 v1) {
      values = ByteBufferInputStream.wrap(v1.getBytes().toByteBuffer());
      if (maxDefinition > 0) { // V1: RLE levels behind their byte length, or the old BIT_PACKED; the reader knows
        ValuesReader levels = v1.getDlEncoding().getValuesReader(descriptor, ValuesType.DEFINITION_LEVEL);
        levels.initFromPage(n, values);
        for (int i = 0; i < n; i++) {
          missing[i] = levels.readInteger() < maxDefinition;
        }
      } else {
        java.util.Arrays.fill(missing, 0, n, false);
      }
      encoding = v1.getValueEncoding();
    } else {
      DataPageV2 v2 = (DataPageV2) page;
      if (maxDefinition > 0) {
        definitions(ByteBufferInputStream.wrap(v2.getDefinitionLevels().toByteBuffer()), n);
      } else {
        java.util.Arrays.fill(missing, 0, n, false);
      }
      values = ByteBufferInputStream.wrap(v2.getData().toByteBuffer());
      encoding = v2.getDataEncoding();
    }
    if (encoding == Encoding.PLAIN) {
      plain(values, n);
    } else {
      decoded(encoding, values, n);
    }
  }

  private int present(int n) {
    int present = 0;
    for (int i = 0; i < n; i++) {
      present += missing[i] ? 0 : 1;
    }
    return present;
  }

  private void definitions(ByteBufferInputStream in, int n) throws IOException {
    var levels = new RunLengthBitPackingHybridDecoder(BytesUtils.getWidthFromMaxInt(maxDefinition), in);
    for (int i = 0; i < n; i++) {
      missing[i] = levels.readInt() < maxDefinition;
    }
  }

  private void plain(ByteBufferInputStream in, int n) throws IOException {
    int present = present(n);
    int width = type == PrimitiveTypeName.INT32 || type == PrimitiveTypeName.FLOAT ? 4 : 8;
    ByteBuffer bytes = in.slice(present * width).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      if (missing[i]) {
        continue;
      }
      switch (type) {
        case INT32 -> longs[i] = bytes.getInt();
        case INT64 -> longs[i] = bytes.getLong();
        case FLOAT -> doubles[i] = bytes.getFloat();
        default -> doubles[i] = bytes.getDouble();
      }
    }
  }

  private void decoded(Encoding encoding, ByteBufferInputStream in, int n) throws IOException {
    ValuesReader reader;
    if (encoding.usesDictionary()) {
      if (dictionary == null) {
        throw new IOException("column " + descriptor + " has a dictionary-encoded page but no dictionary");
      }
      reader = encoding.getDictionaryBasedValuesReader(descriptor, ValuesType.VALUES, dictionary);
    } else {
      reader = encoding.getValuesReader(descriptor, ValuesType.VALUES);
    }
    int present = present(n);
    reader.initFromPage(present, in);
    for (int i = 0; i < n; i++) {
      if (missing[i]) {
        continue;
      }
      switch (type) {
        case INT32 -> longs[i] = reader.readInteger();
        case INT64 -> longs[i] = reader.readLong();
        case FLOAT -> doubles[i] = reader.readFloat();
        default -> doubles[i] = reader.readDouble();
      }
    }
  }
}
