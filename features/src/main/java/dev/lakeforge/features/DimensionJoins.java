package dev.lakeforge.features;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.lakeforge.core.config.DimensionJoinConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.VersionedFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Left-joins dimension tables (broadcast: dimensions are small) and records the version of each. */
final class DimensionJoins {
  private static final String KEY = "__dim_key_";
  private DimensionJoins() {}

  static Dataset<Row> apply(Lake lake, Dataset<Row> rows, List<DimensionJoinConfig> joins, String owner,
      StageResult.Builder result) {
    Dataset<Row> out = rows;
    for (DimensionJoinConfig join : joins) {
      VersionedFrame dimension = lake.read(TableRef.parse(join.table()));
      result.read(dimension.version());
      String where = owner + " join of " + dimension.version();
      requireColumns(out.columns(), join.on().keySet(), where, "rows");
      List<String> dimColumns = new ArrayList<>(join.on().values());
      dimColumns.addAll(join.columns().values());
      requireColumns(dimension.rows().columns(), dimColumns, where, dimension.version().toString());

      List<Column> picked = new ArrayList<>();
      List<String> dimKeys = new ArrayList<>(join.on().values());
      for (int i = 0; i < dimKeys.size(); i++) {
        picked.add(ColumnNames.column(dimKeys.get(i)).as(KEY + i));
      }
      for (Map.Entry<String, String> c : join.columns().entrySet()) {
        if (Arrays.asList(out.columns()).contains(c.getKey())) {
          throw Errors.configInvalid(where, "dimension column '" + c.getKey() + "' has the name of a column the "
              + "rows already have; give it another name in the join's columns");
        }
        picked.add(ColumnNames.column(c.getValue()).as(c.getKey()));
      }
      Dataset<Row> slim = dimension.rows().select(picked.toArray(Column[]::new));
      requireUniqueKeys(slim, join, dimension.version().toString());

      Column on = lit(true);
      List<String> rowKeys = new ArrayList<>(join.on().keySet());
      for (int i = 0; i < rowKeys.size(); i++) {
        on = on.and(out.col(ColumnNames.quoted(rowKeys.get(i))).equalTo(slim.col(KEY + i)));
      }
      out = out.join(broadcast(slim), on, "left");
      for (int i = 0; i < rowKeys.size(); i++) {
        out = out.drop(KEY + i);
      }
    }
    return out;
  }

  private static void requireColumns(String[] have, Iterable<String> needed, String where, String in) {
    List<String> columns = Arrays.asList(have);
    for (String c : needed) {
      if (!columns.contains(c)) {
        throw Errors.configInvalid(where, "column '" + c + "' is not in " + in + " (columns: "
            + String.join(", ", columns) + ")");
      }
    }
  }

  private static void requireUniqueKeys(Dataset<Row> slim, DimensionJoinConfig join, String table) {
    Column[] keys = java.util.stream.IntStream.range(0, join.on().size()).mapToObj(i -> col(KEY + i))
        .toArray(Column[]::new);
    List<Row> repeated = slim.groupBy(keys).agg(count(lit(1)).as("n")).filter(col("n").gt(1)).limit(1)
        .collectAsList();
    if (!repeated.isEmpty()) {
      throw Errors.featureInput("the join of " + table, "key " + repeated.get(0).toString()
          + " appears " + repeated.get(0).getLong(keys.length) + " times, so rows would be duplicated",
          "add a unique rule on " + String.join(", ", join.on().values()) + " to the table's validation");
    }
  }
}
