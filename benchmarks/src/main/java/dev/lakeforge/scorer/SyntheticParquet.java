package dev.lakeforge.scorer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Types;

/** Rows of doubles as a Snappy Parquet file of optional double columns f0, f1, ... (NaN is written as null). */
final class SyntheticParquet {
  private SyntheticParquet() {}

  static void write(Path file, double[][] rows) throws IOException {
    Files.deleteIfExists(file);
    int w = rows.length == 0 ? 0 : rows[0].length;
    Types.MessageTypeBuilder builder = Types.buildMessage();
    for (int f = 0; f < w; f++) {
      builder.addField(Types.optional(PrimitiveType.PrimitiveTypeName.DOUBLE).named("f" + f));
    }
    MessageType schema = builder.named("spark_schema");
    try (ParquetWriter<Group> out = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration()).withType(schema)
        .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      SimpleGroupFactory groups = new SimpleGroupFactory(schema);
      for (double[] row : rows) {
        Group g = groups.newGroup();
        for (int f = 0; f < w; f++) {
          if (!Double.isNaN(row[f])) {
            g.append("f" + f, row[f]);
          }
        }
        out.write(g);
      }
    }
  }
}
