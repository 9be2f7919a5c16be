package dev.lakeforge.scorer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Scored rows as one Parquet file (Snappy, as Spark writes): kept columns with the type they had in a Parquet input
 * (strings from a CSV input), {@code prediction} (double; the label as a string for multi-class models) and
 * {@code probability} (double; a list of doubles, one per class, for multi-class models).
 */
final class ParquetOutput implements OutputRows {
  private final ParquetWriter<Object[]> writer;
  private final Object[] record = new Object[2];

  /** @param keptTypes each kept column's Parquet type, or null for a string */
  ParquetOutput(Path file, List<String> keptColumns, List<PrimitiveType> keptTypes, Predictions predictions)
      throws IOException {
    Types.MessageTypeBuilder schema = Types.buildMessage();
    for (int i = 0; i < keptColumns.size(); i++) {
      PrimitiveType type = keptTypes.get(i);
      if (type == null) {
        schema.addField(Types.optional(PrimitiveType.PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
            .named(keptColumns.get(i)));
        continue;
      }
      var field = Types.optional(type.getPrimitiveTypeName());
      if (type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
        field = field.length(type.getTypeLength());
      }
      if (type.getLogicalTypeAnnotation() != null) {
        field = field.as(type.getLogicalTypeAnnotation());
      }
      schema.addField(field.named(keptColumns.get(i)));
    }
    if (predictions.multiclass()) {
      schema.addField(Types.required(PrimitiveType.PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
          .named("prediction"));
      schema.addField(Types.requiredList().requiredElement(PrimitiveType.PrimitiveTypeName.DOUBLE)
          .named("probability"));
    } else {
      schema.addField(Types.required(PrimitiveType.PrimitiveTypeName.DOUBLE).named("prediction"));
      if (predictions.hasProbability()) {
        schema.addField(Types.required(PrimitiveType.PrimitiveTypeName.DOUBLE).named("probability"));
      }
    }
    MessageType type = schema.named("scored");
    writer = new Builder(new LocalOutputFile(file), new RowWrite(type, keptColumns.size(), predictions))
        .withConf(new PlainParquetConfiguration())
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE) // the partial file of an earlier, killed run
        .build();
  }

  @Override
  public void write(Object[] kept, float[] prediction) throws IOException {
    record[0] = kept;
    record[1] = prediction;
    writer.write(record);
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }

  private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
    private final RowWrite support;

    Builder(OutputFile file, RowWrite support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
      return support;
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(org.apache.parquet.conf.ParquetConfiguration conf) {
      return support;
    }
  }

  /** One record: {kept values, booster output}. */
  private static final class RowWrite extends WriteSupport<Object[]> {
    private final MessageType schema;
    private final int kept;
    private final Predictions predictions;
    private RecordConsumer out;

    RowWrite(MessageType schema, int kept, Predictions predictions) {
      this.schema = schema;
      this.kept = kept;
      this.predictions = predictions;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public WriteContext init(org.apache.parquet.conf.ParquetConfiguration configuration) {
      return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      out = recordConsumer;
    }

    @Override
    public void write(Object[] record) {
      Object[] values = (Object[]) record[0];
      float[] p = (float[]) record[1];
      out.startMessage();
      for (int i = 0; i < kept; i++) {
        if (values[i] != null) {
          Type field = schema.getType(i);
          out.startField(field.getName(), i);
          value(field.asPrimitiveType(), values[i]);
          out.endField(field.getName(), i);
        }
      }
      out.startField("prediction", kept);
      if (predictions.multiclass()) {
        out.addBinary(Binary.fromString(predictions.label(p)));
      } else {
        out.addDouble(predictions.value(p));
      }
      out.endField("prediction", kept);
      if (predictions.hasProbability()) {
        out.startField("probability", kept + 1);
        if (predictions.multiclass()) {
          // The standard three-level list: probability.list.element
          out.startGroup();
          out.startField("list", 0);
          for (float v : p) {
            out.startGroup();
            out.startField("element", 0);
            out.addDouble(v);
            out.endField("element", 0);
            out.endGroup();
          }
          out.endField("list", 0);
          out.endGroup();
        } else {
          out.addDouble(p[0]);
        }
        out.endField("probability", kept + 1);
      }
      out.endMessage();
    }

    private void value(PrimitiveType type, Object v) {
      switch (type.getPrimitiveTypeName()) {
        case INT32 -> out.addInteger((Integer) v);
        case INT64 -> out.addLong((Long) v);
        case DOUBLE -> out.addDouble((Double) v);
        case FLOAT -> out.addFloat((Float) v);
        case BOOLEAN -> out.addBoolean((Boolean) v);
        default -> out.addBinary(v instanceof Binary b ? b : Binary.fromString(v.toString()));
      }
    }
  }
}
