package dev.lakeforge.core.table;

import dev.lakeforge.core.error.Errors;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The run date column of Lakeforge's tables: one SQL {@code DATE}, the day a run is for, by which a rerun replaces
 * exactly its own rows. Tables Lakeforge owns call it {@value #COLUMN}; tables that carry a source's own columns
 * (bronze, silver, quarantine) call it {@value #SOURCE_COLUMN}, beside {@code _batch_id} and {@code _ingest_time},
 * so it never collides with a source column of the same name.
 */
public final class RunDate {
  /** The run date in tables Lakeforge owns (quality, monitoring, training, predictions). */
  public static final String COLUMN = "run_date";
  /** The run date beside a source's own columns (bronze, silver, quarantine). */
  public static final String SOURCE_COLUMN = "_run_date";
  private static final List<String> NAMES = List.of(COLUMN, SOURCE_COLUMN);
  /** The layers whose tables carry a source's own columns, and so {@value #SOURCE_COLUMN}. */
  static final List<String> SOURCE_LAYERS = List.of("bronze", "silver", "quarantine");

  private RunDate() {}

  /** The run date column of {@code table}: {@value #SOURCE_COLUMN} in the source layers, else {@value #COLUMN}. */
  public static String columnOf(TableRef table) {
    return SOURCE_LAYERS.contains(table.layer()) ? SOURCE_COLUMN : COLUMN;
  }

  /** The rows of {@code table} for run date {@code date}: what a rerun of that date replaces. */
  public static Slice slice(TableRef table, LocalDate date) {
    return Slice.where(columnOf(table), date);
  }

  /** {@code date} as a DATE literal column. */
  public static Column literal(LocalDate date) {
    return functions.lit(value(date));
  }

  /** {@code date} as the value of a DATE cell ({@link org.apache.spark.sql.RowFactory} rows). */
  public static Date value(LocalDate date) {
    return Date.valueOf(date);
  }

  /** The run date columns of {@code schema} that are still STRING, as tables written before 0.2 have them. */
  static List<String> stringColumns(StructType schema) {
    return java.util.Arrays.stream(schema.fields())
        .filter(f -> NAMES.contains(f.name()) && f.dataType().equals(DataTypes.StringType))
        .map(StructField::name).toList();
  }

  /**
   * Refuses a write of DATE run dates into a table whose run date is still STRING, naming the migration step
   * (Delta would otherwise refuse it as a schema change that says nothing about the fix).
   *
   * @throws dev.lakeforge.core.error.LakeforgeException (input error, exit 2) naming {@code tables migrate}
   */
  static void requireMigrated(String table, StructType existing, StructType incoming) {
    for (String column : stringColumns(existing)) {
      if (incoming.getFieldIndex(column).isDefined()
          && incoming.apply(column).dataType().equals(DataTypes.DateType)) {
        throw Errors.runDateNotMigrated(table, column);
      }
    }
  }
}
