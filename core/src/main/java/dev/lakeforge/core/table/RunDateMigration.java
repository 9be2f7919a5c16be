package dev.lakeforge.core.table;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.spark.ColumnNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Rewrites a table's STRING run date columns ({@link RunDate}) as DATE: one overwrite of the latest version with the
 * same rows, the same partitioning and the columns cast, so later runs can replace their run date's rows again.
 * Older versions stay readable by time travel. A table already migrated is left alone (no new version).
 */
public final class RunDateMigration {
  private final Lake lake;

  public RunDateMigration(Lake lake) {
    this.lake = lake;
  }

  /**
   * What a migration did.
   *
   * @param columns the columns rewritten as DATE; empty when the table had none left as STRING
   * @param version the version written; null when nothing was written
   */
  public record Result(String table, List<String> columns, Long version, long rows) {}

  /**
   * Migrates the latest version of {@code table}.
   *
   * @throws dev.lakeforge.core.error.LakeforgeException (exit 2) when the table does not exist, or when a run date
   *     value is not a yyyy-MM-dd date (nothing is written then)
   */
  public Result run(TableRef table) {
    VersionedFrame latest = lake.read(TableRef.of(table.layer(), table.name()));
    List<String> columns = RunDate.stringColumns(latest.rows().schema());
    if (columns.isEmpty()) {
      return new Result(table.table(), columns, null, 0);
    }
    Dataset<Row> rows = latest.rows();
    List<Column> out = new ArrayList<>();
    for (String name : rows.columns()) {
      out.add(columns.contains(name) ? asDate(name).as(name) : col(name));
    }
    for (String column : columns) {
      Dataset<Row> unreadable = rows.filter(col(column).isNotNull().and(asDate(column).isNull()));
      long bad = unreadable.count();
      if (bad > 0) {
        throw Errors.runDateUnreadable(table.table(), column, bad, unreadable.first().getAs(column));
      }
    }
    TableWrite write = TableWrite.overwrite(TableRef.of(table.layer(), table.name()))
        .partitionedBy(lake.partitionColumns(table))
        .facts(Map.of("operation", "migrate-run-date", "columns", String.join(",", columns), "from",
            latest.version().toString()));
    Lake.WriteResult written = lake.write(rows.select(out.toArray(Column[]::new)), write);
    return new Result(table.table(), columns, written.version().version(), written.rowsWritten());
  }

  /**
   * The column parsed as yyyy-MM-dd, null where it is not such a date: {@code try_to_timestamp}, because under ANSI
   * mode (Spark 4's default) {@code to_date} throws on the first bad value instead of returning null.
   */
  private static Column asDate(String column) {
    return expr("try_to_timestamp(" + ColumnNames.quoted(column) + ", 'yyyy-MM-dd')").cast("date");
  }
}
