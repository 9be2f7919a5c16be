package dev.lakeforge.scoring;

import dev.lakeforge.core.storage.Storage;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Publishes an export so a reader (or a killed run) never takes half of one for the whole.
 *
 * <p>Where rename is atomic (local, HDFS) the export is written beside its target and swapped in with renames: the
 * old directory stays whole until the new one is complete. On an object store (S3), where a rename is a copy, the
 * commit marker is {@code _SUCCESS}, the file Spark's output committer writes last (and Spark, Hive and Airflow
 * sensors already look for): the old marker is deleted first, the export is written in place, and it counts as
 * complete only once {@code _SUCCESS} is there again. Readers of exports on object stores must check for it.
 */
final class AtomicExport {
  /** The commit marker of an export on an object store. */
  static final String MARKER = "_SUCCESS";

  private AtomicExport() {}

  static void write(Storage storage, Dataset<Row> rows, String format, String target) {
    String final_ = storage.qualify(target);
    if (!storage.atomicRename(final_)) {
      String marker = storage.resolve(final_, MARKER);
      storage.delete(marker); // from here on readers do not trust the directory
      save(rows, format, final_, "overwrite");
      if (!storage.isFile(marker)) { // a committer configured not to write it: the marker is still ours to write
        storage.commit(marker, new byte[0]);
      }
      return;
    }
    int slash = final_.lastIndexOf('/');
    String parent = final_.substring(0, slash);
    String name = final_.substring(slash + 1);
    String staging = storage.resolve(parent, "_" + name + ".writing-" + UUID.randomUUID());
    String old = storage.resolve(parent, "_" + name + ".replaced-" + UUID.randomUUID());
    save(rows, format, staging, "errorifexists");
    boolean existed = storage.exists(final_);
    if (existed) {
      storage.rename(final_, old);
    }
    storage.rename(staging, final_);
    if (existed) {
      storage.delete(old);
    }
  }

  private static void save(Dataset<Row> rows, String format, String path, String mode) {
    var writer = rows.write().mode(mode);
    if (format.equals("csv")) {
      writer.option("header", "true").csv(path);
    } else {
      writer.parquet(path);
    }
  }
}
