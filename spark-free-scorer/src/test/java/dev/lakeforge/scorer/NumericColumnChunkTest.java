package dev.lakeforge.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scorer's numeric column decoding against parquet-java's writer: every value and null read back as written,
 * across data page versions 1 and 2, dictionary and plain pages, many pages and row groups.
 */
class NumericColumnChunkTest {
  private static final int ROWS = 30_000;

  @ParameterizedTest
  @CsvSource({"PARQUET_1_0, true", "PARQUET_1_0, false", "PARQUET_2_0, true", "PARQUET_2_0, false"})
  void readsEveryValueAndNullAsWritten(WriterVersion version, boolean dictionary) throws Exception {
    MessageType schema = Types.buildMessage()
        .addField(Types.optional(PrimitiveTypeName.INT32).named("i"))
        .addField(Types.optional(PrimitiveTypeName.INT64).named("l"))
        .addField(Types.optional(PrimitiveTypeName.FLOAT).named("f"))
        .addField(Types.optional(PrimitiveTypeName.DOUBLE).named("d"))
        .addField(Types.required(PrimitiveTypeName.DOUBLE).named("r"))
        .named("rows");
    Path file = Files.createTempDirectory("lakeforge-numeric").resolve("rows.parquet");
    try (ParquetWriter<Group> out = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration()).withType(schema).withWriterVersion(version)
        .withDictionaryEncoding(dictionary).withPageSize(4096).withRowGroupSize(64L * 1024)
        .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      SimpleGroupFactory groups = new SimpleGroupFactory(schema);
      for (int k = 0; k < ROWS; k++) {
        Group g = groups.newGroup();
        if (k % 7 != 0) {
          g.append("i", k % 50 - 25).append("l", k * 1_000_003L).append("f", k / 3f).append("d", k * 0.1);
        }
        g.append("r", k % 13 * 0.5);
        out.write(g);
      }
    }
    try (ParquetInput in = new ParquetInput(file)) {
      BitSet numeric = new BitSet();
      numeric.set(0, 5);
      in.need(numeric, new BitSet());
      int k = 0;
      while (in.next()) {
        boolean nulls = k % 7 == 0;
        for (int c = 0; c < 4; c++) {
          assertEquals(nulls, in.isMissing(c), "row " + k + " column " + c);
        }
        if (!nulls) {
          assertEquals(k % 50 - 25, in.number(0), "row " + k);
          assertEquals((double) (k * 1_000_003L), in.number(1), "row " + k);
          assertEquals((double) (k / 3f), in.number(2), "row " + k);
          assertEquals(k * 0.1, in.number(3), "row " + k);
        }
        assertFalse(in.isMissing(4));
        assertEquals(k % 13 * 0.5, in.number(4), "row " + k);
        k++;
      }
      assertEquals(ROWS, k);
    }
    assertTrue(Files.size(file) > 0);
  }
}
