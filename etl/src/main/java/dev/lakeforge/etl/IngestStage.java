package dev.lakeforge.etl;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;

import dev.lakeforge.core.config.SourceConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.RunDate;
import dev.lakeforge.core.table.SchemaPolicy;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Loads each configured source into {@code bronze.<source>}, adding the batch columns. Malformed CSV/JSON lines are
 * never dropped: they go to {@code quarantine.<source>_raw} with the raw line, file and reason.
 */
public final class IngestStage implements Stage {
  public static final String NAME = "ingest";
  public static final String BATCH_ID = "_batch_id";
  public static final String INGEST_TIME = "_ingest_time";
  public static final String SOURCE_FILE = "_source";
  public static final String RUN_DATE = RunDate.SOURCE_COLUMN;
  static final String CORRUPT = "_corrupt_record";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    StageResult.Builder result = context.result(NAME);
    for (Map.Entry<String, SourceConfig> e : new TreeMap<>(context.config().sources()).entrySet()) {
      ingest(context, e.getKey(), e.getValue(), result);
    }
    return result.build();
  }

  private void ingest(RunContext context, String name, SourceConfig source, StageResult.Builder result) {
    Dataset<Row> raw;
    if (source.format().equals("jdbc")) {
      JdbcSource jdbc = new JdbcSource(context.spark(), name, source.jdbc());
      Object watermark = jdbc.lastWatermark(context.lake(), context.runDate());
      result.metric(name + ".watermark_from", watermark == null ? "none" : watermark.toString());
      raw = jdbc.read(source.options(), watermark).withColumn(SOURCE_FILE, lit(source.location()));
    } else {
      Sources.requireExists(context.spark(), name, source.path());
      // The file name must be taken from the scan itself, before any cache hides it.
      raw = read(context, name, source).withColumn(SOURCE_FILE, input_file_name());
    }
    boolean textFormat = source.format().equals("csv") || source.format().equals("json");
    // Spark refuses to filter on the corrupt-record column of an unmaterialized text scan: persist once.
    Dataset<Row> parsed = textFormat ? raw.persist(StorageLevel.MEMORY_AND_DISK()) : raw;
    try {
      Dataset<Row> batch = withBatchColumns(context, parsed);
      Dataset<Row> good = textFormat ? batch.filter(col(CORRUPT).isNull()).drop(CORRUPT) : batch;
      Lake lake = context.lake();
      TableRef bronze = TableRef.of("bronze", name);
      SchemaPolicy policy = SchemaPolicy.of(source.schemaPolicy());
      Lake.WriteResult written = lake.write(good, (source.incremental()
          ? TableWrite.replaceRunDate(bronze, context.runDate())
          : TableWrite.overwrite(bronze)).schema(policy));
      result.wrote(written.version()).metric(name + ".rows_bronze", written.rowsWritten());
      long malformed = 0;
      if (textFormat) {
        Dataset<Row> bad = batch.filter(col(CORRUPT).isNotNull())
            .select(col(CORRUPT).as("_raw_line"), col(SOURCE_FILE), col(BATCH_ID), col(INGEST_TIME), col(RUN_DATE),
                lit("line does not match the declared schema of source '" + name + "' (column count or types)")
                    .as("_reason"));
        Lake.WriteResult quarantined = lake.write(bad,
            TableWrite.replaceRunDate(TableRef.of("quarantine", name + "_raw"), context.runDate()));
        malformed = quarantined.rowsWritten();
        result.wrote(quarantined.version());
      }
      result.metric(name + ".rows_malformed", malformed)
          .metric(name + ".rows_in", written.rowsWritten() + malformed);
    } catch (LakeforgeException e) {
      throw e;
    } catch (Exception e) {
      // Spark reads lazily: an unreadable source (a truncated Parquet file, say) fails inside the write below, so
      // the catch cannot be narrowed to the read. The lake's storage going away mid-write is told apart here.
      Errors.unreachableService(e).ifPresent(down -> {
        throw down;
      });
      throw Errors.inputUnreadable("source '" + name + "'", source.location(), Sources.rootMessage(e), e);
    } finally {
      if (textFormat) {
        parsed.unpersist();
      }
    }
  }

  static Dataset<Row> read(RunContext context, String name, SourceConfig source) {
    var reader = context.spark().read().options(source.options());
    try {
      if (source.format().equals("parquet")) {
        return reader.parquet(source.path());
      }
      StructType schema = StructType.fromDDL(source.schema()).add(CORRUPT, DataTypes.StringType);
      reader = reader.schema(schema).option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT);
      return source.format().equals("csv") ? reader.csv(source.path()) : reader.json(source.path());
    } catch (Exception e) {
      throw Errors.inputUnreadable("source '" + name + "'", source.path(), Sources.rootMessage(e), e);
    }
  }

  private static Dataset<Row> withBatchColumns(RunContext context, Dataset<Row> rows) {
    return rows.withColumn(BATCH_ID, lit(context.runId()))
        .withColumn(INGEST_TIME, current_timestamp())
        .withColumn(RUN_DATE, RunDate.literal(context.runDate()));
  }
}
