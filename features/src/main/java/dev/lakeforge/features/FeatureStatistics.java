package dev.lakeforge.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.mean;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import java.util.ArrayList;
import java.util.List;
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
      String commitMetadata) {
    Dataset<Row> rows = lake.read(TableRef.parse(written.toString()), "features").rows().filter(window.contains());
    Dataset<Row> stats = compute(rows, features, written.version(), window.describe());
    TableRef ref = tableFor(TableRef.parse(written.table()));
    // ADD_COLUMNS: statistics written before the histogram columns existed stay readable beside new ones.
    return lake.append(stats, ref, commitMetadata, dev.lakeforge.core.table.SchemaPolicy.ADD_COLUMNS).version();
  }

  /**
   * A value's bin on sorted {@code edges}: how many edges lie at or below it, so 0 below the first edge and
   * {@code edges.length} at or above the last. Drift bins its current batch with the same expression.
   */
  public static Column binIndex(String column, double[] edges) {
    Column value = col("`" + column.replace("`", "``") + "`").cast("double");
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
    Column[] probabilities = new Column[PROBABILITIES.length];
    for (int i = 0; i < PROBABILITIES.length; i++) {
      probabilities[i] = lit(PROBABILITIES[i]);
    }
    List<Column> aggregates = new ArrayList<>();
    aggregates.add(count(lit(1)));
    for (String f : features) {
      Column c = col(f).cast("double");
      aggregates.add(count(c));
      aggregates.add(mean(c));
      aggregates.add(stddev_samp(c));
      aggregates.add(min(c));
      aggregates.add(max(c));
      aggregates.add(percentile_approx(c, org.apache.spark.sql.functions.array(probabilities), lit(10_000)));
    }
    Row all = rows.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).first();
    long total = all.getLong(0);

    // Pass 2: count and sum of each feature's values per bin between its distinct quantiles.
    // Each value and its bin are projected once per row, not once per bin.
    List<double[]> edges = new ArrayList<>();
    List<Column> binned = new ArrayList<>();
    List<Column> bins = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      int at = 1 + i * 6 + 5;
      double[] e = all.isNullAt(at) ? new double[0] : all.<Double>getList(at).stream()
          .filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).distinct().sorted().toArray();
      edges.add(e);
      binned.add(col("`" + features.get(i).replace("`", "``") + "`").cast("double").as("__value_" + i));
      binned.add(binIndex(features.get(i), e).as("__bin_" + i));
      Column value = col("__value_" + i);
      for (int b = 0; b <= e.length; b++) {
        Column in = value.isNotNull().and(col("__bin_" + i).equalTo(b));
        bins.add(sum(when(in, 1L).otherwise(0L)));
        bins.add(sum(when(in, value)));
      }
    }
    Row histogram = rows.select(binned.toArray(Column[]::new))
        .agg(bins.get(0), bins.subList(1, bins.size()).toArray(Column[]::new)).first();

    List<Row> out = new ArrayList<>();
    List<Double> probabilityList = java.util.Arrays.stream(PROBABILITIES).boxed().toList();
    int cell = 0;
    for (int i = 0; i < features.size(); i++) {
      int at = 1 + i * 6;
      long present = all.getLong(at);
      List<Long> counts = new ArrayList<>();
      List<Double> means = new ArrayList<>();
      for (int b = 0; b <= edges.get(i).length; b++, cell += 2) {
        long n = histogram.isNullAt(cell) ? 0 : histogram.getLong(cell);
        counts.add(n);
        means.add(n == 0 ? null : histogram.getDouble(cell + 1) / n);
      }
      out.add(RowFactory.create(tableVersion, features.get(i), total, total - present, all.get(at + 1),
          all.get(at + 2), all.get(at + 3), all.get(at + 4), probabilityList,
          all.isNullAt(at + 5) ? null : all.getList(at + 5), rowsWhere,
          java.util.Arrays.stream(edges.get(i)).boxed().toList(), counts, means));
    }
    return rows.sparkSession().createDataFrame(out, SCHEMA);
  }
}
