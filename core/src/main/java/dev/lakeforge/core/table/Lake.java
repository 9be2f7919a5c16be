package dev.lakeforge.core.table;

import dev.lakeforge.core.error.Errors;
import io.delta.tables.DeltaTable;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaHistoryManager;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.delta.util.FileNames;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Delta tables under one root: {@code layer.name} lives at {@code root/layer/name}. Reads pin the version they
 * resolved, so the recorded lineage is exactly what was read; every write is one {@link TableWrite}, and its commit
 * carries the lake's {@link CommitStamp}.
 */
public final class Lake {
  /** Commit attempts before a write that keeps losing to concurrent writers gives up (exit 5). */
  static final int COMMIT_ATTEMPTS = 4;
  private static final long COMMIT_BACKOFF_MS = 250;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Lake.class);
  private final SparkSession spark;
  private final String root;
  private final CommitStamp stamp;
  private final Function<String, String> producers;

  /**
   * The lake at {@code root}, whose commits carry no run identity (tools outside a run; see {@link #stamped}) and
   * whose missing-table errors name a layer, not a stage (see {@link #producedBy}).
   */
  public Lake(SparkSession spark, String root) {
    this(spark, root, CommitStamp.NONE, layer -> null);
  }

  private Lake(SparkSession spark, String root, CommitStamp stamp, Function<String, String> producers) {
    this.spark = spark;
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    this.stamp = stamp;
    this.producers = producers;
  }

  /** The same lake, stamping every commit it makes with {@code stamp}. */
  public Lake stamped(CommitStamp stamp) {
    return new Lake(spark, root, stamp, producers);
  }

  /**
   * The same lake, naming in a missing table's error the stage that writes its layer: {@code producerOfLayer} maps
   * a layer (bronze, silver, ...) to that stage's command name, or to null when no stage writes it. The command
   * line's stage catalog is the map; core cannot see it.
   */
  public Lake producedBy(Function<String, String> producerOfLayer) {
    return new Lake(spark, root, stamp, producerOfLayer);
  }

  /**
   * {@code ref}, once it is known to exist.
   *
   * @throws dev.lakeforge.core.error.LakeforgeException (input error, exit 2) naming the stage to run first
   */
  public TableRef existing(TableRef ref) {
    if (!exists(ref)) {
      throw Errors.tableMissing(ref.table(), path(ref), producers.apply(ref.layer()));
    }
    return ref;
  }

  /** What this lake stamps on its commits. */
  public CommitStamp stamp() {
    return stamp;
  }

  public String root() {
    return root;
  }

  public String path(TableRef ref) {
    return root + "/" + ref.layer() + "/" + ref.name();
  }

  public boolean exists(TableRef ref) {
    return DeltaTable.isDeltaTable(spark, path(ref));
  }

  /**
   * Reads a table at its pinned version, or at the latest version, which is then recorded.
   *
   * @throws dev.lakeforge.core.error.LakeforgeException (input error, exit 2) when the table or the pinned version
   *     does not exist, naming the stage to run first (see {@link #producedBy})
   */
  public VersionedFrame read(TableRef ref) {
    String path = path(ref);
    long version = resolveVersion(ref);
    Dataset<Row> rows = spark.read().format("delta").option("versionAsOf", version).load(path);
    return new VersionedFrame(rows, new TableVersion(ref.table(), version));
  }

  /**
   * Carries out {@code write} and stamps its commit with this lake's {@link CommitStamp}, the write's facts and a
   * fresh write id, by which the write finds its own commit's version even under concurrent writers. A commit that
   * loses a race is repeated (up to {@value #COMMIT_ATTEMPTS} attempts, with backoff): every write replaces a slice or
   * the whole table, or appends rows Delta's conflict check has just refused, so repeating it is safe.
   *
   * @return the version written and its rows; the current version with 0 rows when Delta committed nothing (an
   *     append of no rows)
   * @throws dev.lakeforge.core.error.LakeforgeException on a schema change {@code write.schemaPolicy()} refuses, or
   *     when every commit attempt lost to a concurrent writer
   */
  public WriteResult write(Dataset<Row> rows, TableWrite write) {
    TableRef ref = write.table();
    for (int attempt = 1; ; attempt++) {
      try {
        return writeOnce(rows, write, attempt);
      } catch (RuntimeException e) {
        Throwable conflict = concurrentModification(e);
        if (conflict == null) {
          throw e;
        }
        if (attempt >= COMMIT_ATTEMPTS) {
          throw Errors.concurrentWrite(ref.table(), conflict.getClass().getSimpleName(),
              dev.lakeforge.core.error.LibraryMessage.of(conflict), attempt, e);
        }
        long backoff = COMMIT_BACKOFF_MS * (1L << (attempt - 1))
            + java.util.concurrent.ThreadLocalRandom.current().nextLong(COMMIT_BACKOFF_MS);
        LOG.warn("Commit to {} lost a race with a concurrent writer ({}); retrying in {} ms (attempt {} of {})",
            ref.table(), conflict.getClass().getSimpleName(), backoff, attempt + 1, COMMIT_ATTEMPTS);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static Throwable concurrentModification(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.delta.exceptions.DeltaConcurrentModificationException) {
        return t;
      }
    }
    return null;
  }

  private WriteResult writeOnce(Dataset<Row> rows, TableWrite write, int attempt) {
    TableRef ref = write.table();
    String path = path(ref);
    String writeId = java.util.UUID.randomUUID().toString();
    var writer = rows.write().format("delta").mode(write.mode() == TableWrite.Mode.APPEND ? SaveMode.Append
        : SaveMode.Overwrite).option("userMetadata", stamp.metadata(write.facts(), writeId));
    boolean exists = exists(ref);
    SchemaPolicy policy = write.schemaPolicy();
    if (!write.partitionColumns().isEmpty() && (!exists || policy == SchemaPolicy.REPLACE)) {
      writer = writer.partitionBy(write.partitionColumns().toArray(String[]::new));
    }
    if (exists && policy != SchemaPolicy.REPLACE) {
      StructType current = spark.read().format("delta").load(path).schema();
      RunDate.requireMigrated(ref.table(), current, rows.schema());
      if (policy.check(ref.table(), current, rows.schema())) {
        writer = writer.option("mergeSchema", "true");
      }
    }
    if (write.slice() != null && exists) {
      writer = writer.option("replaceWhere", write.slice().predicate());
    } else if (write.mode() == TableWrite.Mode.OVERWRITE && policy == SchemaPolicy.REPLACE) {
      writer = writer.option("overwriteSchema", "true");
    }
    long before = exists ? latestVersion(path) : -1;
    if (!exists && needsColumnMapping(rows.schema())) {
      saveWithColumnMapping(writer, path);
    } else {
      writer.save(path);
    }
    Commit ours = committedBy(path, before, writeId);
    if (ours == null) {
      // Delta commits nothing for an append of no rows: the table stays where it was.
      return new WriteResult(new TableVersion(ref.table(), before), 0, attempt);
    }
    long written = Long.parseLong(ours.operationMetrics().getOrDefault("numOutputRows", "0"));
    return new WriteResult(new TableVersion(ref.table(), ours.version()), written, attempt);
  }

  /** The columns {@code ref}'s latest version is partitioned by, in order; empty for none. */
  public java.util.List<String> partitionColumns(TableRef ref) {
    DeltaLog log = DeltaLog.forTable(spark, path(ref));
    return JavaConverters.seqAsJavaList(log.update(false, scala.Option.empty(), scala.Option.empty()).metadata()
        .partitionColumns());
  }

  /** Characters Parquet (and so Delta without column mapping) refuses in a column name. */
  private static final String PARQUET_INVALID = " ,;{}()\n\t=";

  /** Whether a column or nested field name holds a character only Delta's column mapping can store. */
  static boolean needsColumnMapping(DataType type) {
    if (type instanceof StructType struct) {
      for (StructField f : struct.fields()) {
        if (f.name().chars().anyMatch(ch -> PARQUET_INVALID.indexOf(ch) >= 0) || needsColumnMapping(f.dataType())) {
          return true;
        }
      }
    } else if (type instanceof ArrayType array) {
      return needsColumnMapping(array.elementType());
    } else if (type instanceof MapType map) {
      return needsColumnMapping(map.keyType()) || needsColumnMapping(map.valueType());
    }
    return false;
  }

  /**
   * Creates the table with column mapping by name (Delta protocol reader 2, writer 5), so names such as "read at"
   * are stored as given: Delta takes a new table's properties from the session's
   * {@code spark.databricks.delta.properties.defaults.*}, set only for this write.
   */
  private void saveWithColumnMapping(org.apache.spark.sql.DataFrameWriter<Row> writer, String path) {
    String key = "spark.databricks.delta.properties.defaults.columnMapping.mode";
    synchronized (spark) {
      spark.conf().set(key, "name");
      try {
        writer.save(path);
      } finally {
        spark.conf().unset(key);
      }
    }
  }

  /**
   * The version of the write with id {@code writeId}: the commit after {@code before} whose userMetadata holds that
   * id, or null when there is none. Not simply the newest: a concurrent writer may have committed on top of it.
   * Reads only the commit files after {@code before}, each one small JSON file, straight from the log: Delta's history API runs a Spark job per call,
   * which was a fifth of a small stage's jobs.
   */
  Commit committedBy(String path, long before, String writeId) {
    DeltaLog log = DeltaLog.forTable(spark, path);
    for (long v = currentVersion(log); v > before; v--) {
      Commit commit = commit(log, v);
      if (writeId.equals(CommitStamp.writeId(commit.userMetadata()))) {
        return commit;
      }
    }
    return null;
  }

  /**
   * The commit that made {@code table}'s version, read from that version's log file alone (no Spark job).
   *
   * @throws dev.lakeforge.core.error.LakeforgeException when the table or the version does not exist
   */
  public Commit commit(TableVersion table) {
    TableRef ref = TableRef.parse(table.table());
    resolveVersion(TableRef.parse(table.toString()));
    return commit(DeltaLog.forTable(spark, path(ref)), table.version());
  }

  private static Commit commit(DeltaLog log, long version) {
    scala.Option<CommitInfo> info = DeltaHistoryManager.getCommitInfoOpt(log.store(),
        FileNames.unsafeDeltaFile(log.logPath(), version), log.newDeltaHadoopConf());
    if (info.isEmpty()) {
      return new Commit(version, Map.of(), null);
    }
    Map<String, String> metrics = info.get().operationMetrics().isDefined()
        ? JavaConverters.mapAsJavaMap(info.get().operationMetrics().get()) : Map.of();
    return new Commit(version, metrics, info.get().userMetadata().isDefined() ? info.get().userMetadata().get() : null);
  }

  /**
   * A commit in a table's log: its version, Delta's operation metrics ({@code numOutputRows}, {@code numFiles},
   * ...; empty when Delta recorded none) and the writer's userMetadata (null when none).
   */
  public record Commit(long version, Map<String, String> operationMetrics, String userMetadata) {}

  private static long currentVersion(DeltaLog log) {
    return log.update(false, scala.Option.empty(), scala.Option.empty()).version();
  }

  /** The exact version a reference means: its pin, the version current at its time, its tag's, or the latest. */
  public long resolveVersion(TableRef ref) {
    String path = path(existing(ref));
    if (ref.version() != null) {
      long latest = latestVersion(path);
      if (ref.version() > latest) {
        throw Errors.versionMissing(ref.toString(), "the latest version is v" + latest);
      }
      return ref.version();
    }
    if (ref.tag() != null) {
      return new TableTags(this).version(ref);
    }
    if (ref.asOf() != null) {
      String ts = ref.asOf().contains("T") ? ref.asOf().replace('T', ' ') : ref.asOf() + " 00:00:00";
      Row r = DeltaTable.forPath(spark, path).history()
          .filter(org.apache.spark.sql.functions.col("timestamp").leq(org.apache.spark.sql.functions
              .to_timestamp(org.apache.spark.sql.functions.lit(ts))))
          .agg(org.apache.spark.sql.functions.max("version")).head();
      if (r.isNullAt(0)) {
        throw Errors.versionMissing(ref.toString(), "the table's first version was committed after " + ref.asOf());
      }
      return r.getLong(0);
    }
    return latestVersion(path);
  }

  public SparkSession spark() {
    return spark;
  }

  private long latestVersion(String path) {
    return currentVersion(DeltaLog.forTable(spark, path));
  }

  /**
   * The version a write produced and the rows it wrote, from Delta's own operation metrics; {@code attempts} is 1
   * unless the commit lost a race with a concurrent writer and was repeated.
   */
  public record WriteResult(TableVersion version, long rowsWritten, int attempts) {}
}
