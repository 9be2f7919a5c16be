package dev.lakeforge.scoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes an export beside its target and swaps it in with renames, so a reader (or a killed run) never sees half
 * an export: the old directory stays whole until the new one is complete. On object stores without atomic
 * renames (S3) the swap is a copy; the export is still complete before its name appears.
 */
final class AtomicExport {
  private AtomicExport() {}

  static void write(SparkSession spark, Dataset<Row> rows, String format, String target) {
    Path final_ = new Path(target);
    Path staging = new Path(final_.getParent(), "_" + final_.getName() + ".writing-" + UUID.randomUUID());
    Path old = new Path(final_.getParent(), "_" + final_.getName() + ".replaced-" + UUID.randomUUID());
    var writer = rows.write().mode("errorifexists");
    if (format.equals("csv")) {
      writer.option("header", "true").csv(staging.toString());
    } else {
      writer.parquet(staging.toString());
    }
    try {
      FileSystem fs = final_.getFileSystem(spark.sparkContext().hadoopConfiguration());
      boolean existed = fs.exists(final_);
      if (existed && !fs.rename(final_, old)) {
        throw new IOException("cannot move the previous export " + final_ + " aside");
      }
      if (!fs.rename(staging, final_)) {
        throw new IOException("cannot rename " + staging + " to " + final_);
      }
      if (existed) {
        fs.delete(old, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish the export " + target, e);
    }
  }
}
