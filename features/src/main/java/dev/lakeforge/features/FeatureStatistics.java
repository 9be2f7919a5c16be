package dev.lakeforge.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.mean;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per-feature statistics of one table version's fit window (rows, nulls, mean, stddev, min, max, quantiles, and a
 * histogram on the quantile edges with each bin's count and mean), computed in two aggregations and appended to
 * {@code <table>_stats} keyed by the table version they describe: the reference a drift check uses without
 * rescanning the training rows.
 */
public final class FeatureStatistics {
  public static final double[] PROBABILITIES = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99};
  /** A feature's summary row when the table has no rows, so no cells to group: no values, no quantiles. */
  private static final Row NO_CELLS = RowFactory.create(null, 0L, 0L, null, null, null, null, null);

  static final StructType SCHEMA = new StructType()
      .add("table_version", DataTypes.LongType, false)
      .add("feature", DataTypes.StringType, false)
      .add("rows", DataTypes.LongType, false)
      .add("nulls", DataTypes.LongType, false)
      .add("mean", DataTypes.DoubleType)
      .add("stddev", DataTypes.DoubleType)
      .add("min", DataTypes.DoubleType)
      .add("max", DataTypes.DoubleType)
      .add("probabilities", DataTypes.createArrayType(DataTypes.DoubleType, false))
      .add("quantiles", DataTypes.createArrayType(DataTypes.DoubleType, true))
      .add("rows_where", DataTypes.StringType)
      .add("bin_edges", DataTypes.createArrayType(DataTypes.DoubleType, false))
      .add("bin_counts", DataTypes.createArrayType(DataTypes.LongType, false))
      .add("bin_means", DataTypes.createArrayType(DataTypes.DoubleType, true));

  private FeatureStatistics() {}

  public static TableRef tableFor(TableRef table) {
    return TableRef.of(table.layer(), table.name() + "_stats");
  }

  /** Computes the statistics of {@code features} in {@code written} and appends them; returns the stats version. */
  public static TableVersion record(Lake lake, TableVersion written, List<String> features, FeatureTable.FitWindow window,
      java.util.Map<String, String> facts) {
    Dataset<Row> rows = lake.read(TableRef.parse(written.toString())).rows().filter(window.contains());
    Dataset<Row> stats = compute(rows, features, written.version(), window.describe());
    TableRef ref = tableFor(TableRef.parse(written.table()));
    // ADD_COLUMNS: statistics written before the histogram columns existed stay readable beside new ones.
    return lake.write(stats, dev.lakeforge.core.table.TableWrite.append(ref).facts(facts)
        .schema(dev.lakeforge.core.table.SchemaPolicy.ADD_COLUMNS)).version();
  }

  /**
   * A value's bin on sorted {@code edges}: how many edges lie at or below it, so 0 below the first edge and
   * {@code edges.length} at or above the last. Drift bins its current batch with the same expression.
   */
  public static Column binIndex(String column, double[] edges) {
    Column value = ColumnNames.column(column).cast("double");
    // A CASE chain from the highest edge down: compiled code, where a lambda over the edges is interpreted per row.
    // Null is bin 0; NaN, above every number in Spark's order, is the last bin.
    if (edges.length == 0) {
      return lit(0);
    }
    Column bin = when(value.geq(lit(edges[edges.length - 1])), edges.length);
    for (int k = edges.length - 2; k >= 0; k--) {
      bin = bin.when(value.geq(lit(edges[k])), k + 1);
    }
    return bin.otherwise(0);
  }

  static Dataset<Row> compute(Dataset<Row> rows, List<String> features, long tableVersion, String rowsWhere) {
    // Both passes aggregate (feature, value) cells grouped by feature. One wide aggregation with a column per feature
    // and statistic passes spark.sql.codegen.maxFields (100) at a dozen features, and then runs interpreted: it was
    // most of training-set's time.
    Column[] probabilities = new Column[PROBABILITIES.length];
    for (int i = 0; i < PROBABILITIES.length; i++) {
      probabilities[i] = lit(PROBABILITIES[i]);
    }
    Column value = col("cell.value");
    Map<Integer, Row> summaries = new HashMap<>();
    long total = 0;
    for (Row r : cells(rows, features, null).groupBy(col("cell.feature"))
        .agg(count(lit(1)), count(value), mean(value), stddev_samp(value), min(value), max(value),
            percentile_approx(value, array(probabilities), lit(10_000)))
        .collectAsList()) {
      summaries.put(r.getInt(0), r);
      total = r.getLong(1);
    }

    // Pass 2: count and sum of each feature's values per bin between its distinct quantiles.
    List<double[]> edges = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      Row summary = summaries.getOrDefault(i, NO_CELLS);
      edges.add(summary.isNullAt(7) ? new double[0] : summary.<Double>getList(7).stream()
          .filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).distinct().sorted().toArray());
    }
    Map<List<Integer>, Row> binned = new HashMap<>();
    for (Row r : cells(rows, features, edges).filter(value.isNotNull())
        .groupBy(col("cell.feature"), col("cell.bin")).agg(count(lit(1)), sum(value)).collectAsList()) {
      binned.put(List.of(r.getInt(0), r.getInt(1)), r);
    }

    List<Row> out = new ArrayList<>();
    List<Double> probabilityList = java.util.Arrays.stream(PROBABILITIES).boxed().toList();
    for (int i = 0; i < features.size(); i++) {
      Row summary = summaries.getOrDefault(i, NO_CELLS);
      List<Long> counts = new ArrayList<>();
      List<Double> means = new ArrayList<>();
      for (int b = 0; b <= edges.get(i).length; b++) {
        Row bin = binned.get(List.of(i, b));
        long n = bin == null ? 0 : bin.getLong(2);
        counts.add(n);
        means.add(n == 0 ? null : bin.getDouble(3) / n);
      }
      out.add(RowFactory.create(tableVersion, features.get(i), total, total - summary.getLong(2),
          summary.get(3), summary.get(4), summary.get(5), summary.get(6), probabilityList,
          summary.isNullAt(7) ? null : summary.getList(7), rowsWhere,
          java.util.Arrays.stream(edges.get(i)).boxed().toList(), counts, means));
    }
    return rows.sparkSession().createDataFrame(out, SCHEMA);
  }

  /** One row per (row, feature): the feature's index, its value as a double and, given edges, its bin. */
  private static Dataset<Row> cells(Dataset<Row> rows, List<String> features, List<double[]> edges) {
    List<Column> cells = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      List<Column> fields = new ArrayList<>(List.of(lit(i).as("feature"),
          ColumnNames.column(features.get(i)).cast("double").as("value")));
      if (edges != null) {
        fields.add(binIndex(features.get(i), edges.get(i)).as("bin"));
      }
      cells.add(struct(fields.toArray(Column[]::new)));
    }
    return rows.select(explode(array(cells.toArray(Column[]::new))).as("cell"));
  }
}
