package dev.lakeforge.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.var_pop;
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
 * histogram on the quantile edges with each bin's count and mean), appended to {@code <table>_stats} keyed by the
 * table version they describe: the reference a drift check uses without rescanning the training rows.
 *
 * <p>Two aggregations. The quantiles, which are also the bin edges, come from a seeded Bernoulli sample of about
 * {@link #QUANTILE_SAMPLE_ROWS} rows of the table ({@code percentile_approx}, accuracy 10,000, over the sample): the
 * rank of a reported p-quantile is off by about sqrt(p(1-p)/n) for a sample of n rows (at most 0.0016 at 100,000
 * rows), plus 1/10,000 from the sketch; a table with fewer rows is not sampled. Everything else is exact over every
 * row of the fit window, in one pass: rows, nulls and each bin's count and sum, and the mean, stddev, min and max
 * merged from the bins (pairwise variance merge of Chan, Golub and LeVeque, 1979). So a drift check's reference
 * counts are exact for the stored edges; only where the edges fall is estimated.
 */
public final class FeatureStatistics {
  public static final double[] PROBABILITIES = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99};
  /** Rows of the table the quantiles are estimated from; the rest of the statistics read every row. */
  public static final long QUANTILE_SAMPLE_ROWS = 100_000;
  private static final long SAMPLE_SEED = 42;

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

  /**
   * Computes the statistics of {@code features} in {@code written}'s fit window and appends them; returns the stats
   * version. {@code tableRows} (the rows the write reported) sizes the quantile sample without a count.
   */
  public static TableVersion record(Lake lake, TableVersion written, long tableRows, List<String> features,
      FeatureTable.FitWindow window, java.util.Map<String, String> facts) {
    Dataset<Row> rows = lake.read(TableRef.parse(written.toString())).rows();
    Dataset<Row> stats = compute(rows.filter(window.contains()), quantileSample(rows, tableRows)
        .filter(window.contains()), features, written.version(), window.describe());
    TableRef ref = tableFor(TableRef.parse(written.table()));
    // ADD_COLUMNS: statistics written before the histogram columns existed stay readable beside new ones.
    return lake.write(stats, dev.lakeforge.core.table.TableWrite.append(ref).facts(facts)
        .schema(dev.lakeforge.core.table.SchemaPolicy.ADD_COLUMNS)).version();
  }

  /** A seeded sample of about {@link #QUANTILE_SAMPLE_ROWS} of {@code rows}, or all of them when there are fewer. */
  static Dataset<Row> quantileSample(Dataset<Row> rows, long tableRows) {
    double fraction = (double) QUANTILE_SAMPLE_ROWS / Math.max(1, tableRows);
    return fraction >= 1 ? rows : rows.sample(false, fraction, SAMPLE_SEED);
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
    return compute(rows, rows, features, tableVersion, rowsWhere);
  }

  /** The statistics of {@code rows}, with the quantiles (and so the bin edges) estimated from {@code sample}. */
  static Dataset<Row> compute(Dataset<Row> rows, Dataset<Row> sample, List<String> features, long tableVersion,
      String rowsWhere) {
    // Both passes aggregate (feature, value) cells grouped by feature. One wide aggregation with a column per feature
    // and statistic passes spark.sql.codegen.maxFields (100) at a dozen features, and then runs interpreted: it was
    // most of training-set's time.
    Column[] probabilities = new Column[PROBABILITIES.length];
    for (int i = 0; i < PROBABILITIES.length; i++) {
      probabilities[i] = lit(PROBABILITIES[i]);
    }
    Column value = col("cell.value");
    Map<Integer, List<Double>> quantiles = new HashMap<>();
    for (Row r : cells(sample, features, null).groupBy(col("cell.feature"))
        .agg(percentile_approx(value, array(probabilities), lit(10_000))).collectAsList()) {
      if (!r.isNullAt(1)) {
        quantiles.put(r.getInt(0), r.getList(1));
      }
    }

    // Pass 2, every row: per feature and bin between its distinct quantiles, the rows, values, sum, mean, spread,
    // min and max; a null value is counted in bin 0's rows but in no bin's values.
    List<double[]> edges = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      edges.add(quantiles.getOrDefault(i, List.of()).stream().filter(java.util.Objects::nonNull)
          .mapToDouble(Double::doubleValue).distinct().sorted().toArray());
    }
    Map<Integer, Map<Integer, Row>> binned = new HashMap<>();
    long total = 0;
    for (Row r : cells(rows, features, edges).groupBy(col("cell.feature"), col("cell.bin"))
        .agg(count(lit(1)), count(value), sum(value), var_pop(value), min(value), max(value)).collectAsList()) {
      binned.computeIfAbsent(r.getInt(0), k -> new HashMap<>()).put(r.getInt(1), r);
    }
    for (Row bin : binned.getOrDefault(0, Map.of()).values()) {
      total += bin.getLong(2);
    }

    List<Row> out = new ArrayList<>();
    List<Double> probabilityList = java.util.Arrays.stream(PROBABILITIES).boxed().toList();
    for (int i = 0; i < features.size(); i++) {
      Map<Integer, Row> bins = binned.getOrDefault(i, Map.of());
      Moments moments = new Moments();
      List<Long> counts = new ArrayList<>();
      List<Double> means = new ArrayList<>();
      for (int b = 0; b <= edges.get(i).length; b++) {
        Row bin = bins.get(b);
        long n = bin == null ? 0 : bin.getLong(3);
        counts.add(n);
        means.add(n == 0 ? null : bin.getDouble(4) / n);
        if (n > 0) {
          moments.add(n, bin.getDouble(4), bin.getDouble(5), bin.getDouble(6), bin.getDouble(7));
        }
      }
      out.add(RowFactory.create(tableVersion, features.get(i), total, total - moments.n,
          moments.mean(), moments.stddevSamp(), moments.min, moments.max, probabilityList,
          quantiles.get(i), rowsWhere, java.util.Arrays.stream(edges.get(i)).boxed().toList(), counts, means));
    }
    return rows.sparkSession().createDataFrame(out, SCHEMA);
  }

  /**
   * Count, mean, spread and extremes merged from groups of values: the pairwise update of Chan, Golub and LeVeque
   * (1979), M2 = M2_a + M2_b + delta^2 n_a n_b / n, so no group's values are read twice. Min and max order NaN above
   * every number, as Spark does.
   */
  private static final class Moments {
    long n;
    double sum;
    double mean;
    double m2;
    Double min;
    Double max;

    void add(long count, double groupSum, double groupVariancePop, double groupMin, double groupMax) {
      double groupMean = groupSum / count;
      long merged = n + count;
      double delta = groupMean - mean;
      m2 += groupVariancePop * count + delta * delta * n * count / merged;
      mean += delta * count / merged;
      sum += groupSum;
      n = merged;
      min = min == null || Double.compare(groupMin, min) < 0 ? groupMin : min;
      max = max == null || Double.compare(groupMax, max) > 0 ? groupMax : max;
    }

    Double mean() {
      return n == 0 ? null : sum / n;
    }

    /** Null below two values, as Spark's stddev_samp. */
    Double stddevSamp() {
      return n < 2 ? null : Math.sqrt(m2 / (n - 1));
    }
  }

  /** One row per (row, feature): the feature's index, its value as a double and, given edges, its bin. */
  private static Dataset<Row> cells(Dataset<Row> rows, List<String> features, List<double[]> edges) {
    // Values and bins are projected as flat columns first and the cells built from those: with each feature's CASE
    // chain inside the exploded array, the generated method grew past what the JIT compiles, and binning 25
    // features of flights-3m took 30 s instead of 21 (docs/benchmarks.md).
    List<Column> flat = new ArrayList<>();
    List<Column> cells = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      flat.add(ColumnNames.column(features.get(i)).cast("double").as("value_" + i));
      List<Column> fields = new ArrayList<>(List.of(lit(i).as("feature"), col("value_" + i).as("value")));
      if (edges != null) {
        flat.add(binIndex(features.get(i), edges.get(i)).as("bin_" + i));
        fields.add(col("bin_" + i).as("bin"));
      }
      cells.add(struct(fields.toArray(Column[]::new)));
    }
    return rows.select(flat.toArray(Column[]::new)).select(explode(array(cells.toArray(Column[]::new))).as("cell"));
  }
}
