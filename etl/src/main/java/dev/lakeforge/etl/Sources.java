package dev.lakeforge.etl;

import dev.lakeforge.core.error.Errors;
import java.io.IOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** File checks done before Spark touches a source, so a missing file is one clear line, not a stack trace. */
final class Sources {
  private Sources() {}

  static void requireExists(SparkSession spark, String name, String location) {
    try {
      Path path = new Path(location);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw Errors.inputMissing("source '" + name + "'", location,
            "fetch the data (scripts/fetch-data.sh for the demo) or correct sources." + name + ".path");
      }
    } catch (IOException e) {
      Errors.unreachableService(e).ifPresent(down -> {
        throw down;
      });
      throw Errors.inputUnreadable("source '" + name + "'", location, dev.lakeforge.core.error.LibraryMessage.of(e), e);
    }
  }

  /** The innermost message of a failure, which is the one that says what is wrong with the file. */
  static String rootMessage(Throwable e) {
    return dev.lakeforge.core.error.LibraryMessage.ofRootCause(e);
  }
}
