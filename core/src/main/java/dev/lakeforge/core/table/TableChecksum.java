package dev.lakeforge.core.table;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import dev.lakeforge.core.spark.ColumnNames;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * An order-independent fingerprint of a table version's content: the row count and the exact sum of every row's
 * 64-bit hash, so equal multisets of rows give equal checksums whatever the file layout. Columns that record the
 * run itself (its id or clock) are left out by default, since they differ on every rerun of the same data.
 */
public record TableChecksum(TableVersion version, long rows, String checksum, List<String> excluded) {

  /** Columns whose values name the run or the time it ran, not the data: batch ids, run ids, *_at, _ingest_time. */
  public static boolean recordsTheRun(String column) {
    return column.equals("_batch_id") || column.equals("_ingest_time") || column.endsWith("run_id")
        || column.endsWith("_at");
  }

  /**
   * @param exclude    further columns to leave out
   * @param allColumns hash every column, the run's own ones too
   */
  public static TableChecksum of(Lake lake, TableRef ref, Set<String> exclude, boolean allColumns) {
    VersionedFrame frame = lake.read(ref);
    List<String> excluded = Arrays.stream(frame.rows().columns())
        .filter(c -> exclude.contains(c) || (!allColumns && recordsTheRun(c))).toList();
    Column[] hashed = Arrays.stream(frame.rows().schema().fields())
        .filter(f -> !excluded.contains(f.name()))
        // Spark refuses to hash maps (also inside arrays and structs); their JSON form stands in.
        .map(f -> ColumnNames.comparable(f.name(), f.dataType()))
        .toArray(Column[]::new);
    Column rowHash = hashed.length == 0 ? lit(0L) : xxhash64(hashed);
    Row totals = frame.rows().agg(count(lit(1)), sum(rowHash.cast("decimal(38,0)"))).head();
    BigDecimal total = totals.isNullAt(1) ? BigDecimal.ZERO : totals.getDecimal(1);
    return new TableChecksum(frame.version(), totals.getLong(0), total.toBigInteger().toString(16), excluded);
  }
}
