package dev.lakeforge.etl;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.lakeforge.core.config.JdbcSourceConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.RunDate;
import dev.lakeforge.core.table.TableRef;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Properties;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a database table or query over JDBC: in parallel on a partition column, and, with a watermark column,
 * only the rows above the highest watermark that bronze holds from earlier run dates. Taking the watermark from
 * bronze itself (not from a side file) keeps it exact: a failed run leaves nothing behind, and a rerun of the same
 * run date reads the same rows again and replaces them.
 */
final class JdbcSource {
  private static final int CONNECT_ATTEMPTS = 3;

  private final SparkSession spark;
  private final String name;
  private final JdbcSourceConfig jdbc;

  JdbcSource(SparkSession spark, String name, JdbcSourceConfig jdbc) {
    this.spark = spark;
    this.name = name;
    this.jdbc = jdbc;
  }

  /** The highest watermark in bronze from run dates before {@code runDate}, or null when there is none. */
  Object lastWatermark(Lake lake, LocalDate runDate) {
    TableRef bronze = TableRef.of("bronze", name);
    if (jdbc.watermark() == null || !lake.exists(bronze)) {
      return null;
    }
    Dataset<Row> rows = lake.read(bronze).rows();
    if (!Arrays.asList(rows.columns()).contains(jdbc.watermark())) {
      return null;
    }
    Row top = rows.filter(col(IngestStage.RUN_DATE).lt(RunDate.literal(runDate))).agg(max(col(jdbc.watermark())))
        .head();
    return top.isNullAt(0) ? null : top.get(0);
  }

  /** The rows to load; the filter on the watermark is pushed down into the database's WHERE clause. */
  Dataset<Row> read(java.util.Map<String, String> options, Object lastWatermark) {
    checkReachable();
    DataFrameReader reader = spark.read().format("jdbc").options(options)
        .option("url", jdbc.url())
        .option("dbtable", jdbc.table() != null ? jdbc.table() : "(" + jdbc.query() + ") AS lakeforge_query")
        .option("fetchsize", jdbc.fetchSize());
    if (jdbc.user() != null) {
      reader = reader.option("user", jdbc.user());
    }
    if (jdbc.password() != null) {
      reader = reader.option("password", jdbc.password());
    }
    if (jdbc.partitionColumn() != null) {
      reader = reader.option("partitionColumn", jdbc.partitionColumn())
          .option("lowerBound", jdbc.lowerBound())
          .option("upperBound", jdbc.upperBound())
          .option("numPartitions", jdbc.partitions());
    }
    Dataset<Row> rows;
    try {
      rows = reader.load();
    } catch (Exception e) {
      throw failure(e);
    }
    if (jdbc.watermark() != null && !Arrays.asList(rows.columns()).contains(jdbc.watermark())) {
      throw Errors.configInvalid("sources." + name + ".jdbc", "watermark column '" + jdbc.watermark()
          + "' is not in " + jdbc.describe() + " (its columns: " + String.join(", ", rows.columns()) + ")");
    }
    return lastWatermark == null ? rows : rows.filter(col(jdbc.watermark()).gt(lit(lastWatermark)));
  }

  /** Fails fast, with retries, when the database cannot be reached, before Spark spreads the error over tasks. */
  private void checkReachable() {
    Properties props = new Properties();
    if (jdbc.user() != null) {
      props.setProperty("user", jdbc.user());
    }
    if (jdbc.password() != null) {
      props.setProperty("password", jdbc.password());
    }
    props.setProperty("connectTimeout", "5");
    props.setProperty("loginTimeout", "10");
    SQLException last = null;
    for (int attempt = 1; attempt <= CONNECT_ATTEMPTS; attempt++) {
      try (Connection ignored = DriverManager.getConnection(jdbc.url(), props)) {
        return;
      } catch (SQLException e) {
        last = e;
        if (!isConnectionFailure(e)) {
          throw failure(e);
        }
        sleep(500L << attempt);
      }
    }
    throw Errors.serviceUnavailable("database of source '" + name + "'", jdbc.describe(), firstLine(last),
        CONNECT_ATTEMPTS, "start the database or correct sources." + name + ".jdbc.url, then rerun", last);
  }

  private LakeforgeException failure(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && !(t instanceof SQLException)) {
      t = t.getCause();
    }
    if (t instanceof SQLException sql && isConnectionFailure(sql)) {
      return Errors.serviceUnavailable("database of source '" + name + "'", jdbc.describe(), firstLine(sql), 1,
          "start the database or correct sources." + name + ".jdbc.url, then rerun", e);
    }
    return Errors.inputUnreadable("source '" + name + "'", jdbc.describe(), firstLine(t), e);
  }

  private static boolean isConnectionFailure(SQLException e) {
    // SQLState class 08 is "connection exception" in the SQL standard.
    return e.getSQLState() != null && e.getSQLState().startsWith("08");
  }

  private static String firstLine(Throwable t) {
    return dev.lakeforge.core.error.LibraryMessage.of(t);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
