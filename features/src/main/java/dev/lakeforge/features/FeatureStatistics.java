package dev.lakeforge.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.mean;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.stddev_samp;

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
 * Per-feature statistics of one table version (rows, nulls, mean, stddev, min, max, quantiles), computed in one
 * aggregation and appended to {@code <table>_stats} keyed by the table version they describe: the reference a
 * drift check or a reader of the table can use without rescanning it.
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
      .add("quantiles", DataTypes.createArrayType(DataTypes.DoubleType, true));

  private FeatureStatistics() {}

  public static TableRef tableFor(TableRef table) {
    return TableRef.of(table.layer(), table.name() + "_stats");
  }

  /** Computes the statistics of {@code features} in {@code written} and appends them; returns the stats version. */
  static TableVersion record(Lake lake, TableVersion written, List<String> features, String commitMetadata) {
    Dataset<Row> rows = lake.read(TableRef.parse(written.toString()), "features").rows();
    Dataset<Row> stats = compute(rows, features, written.version());
    TableRef ref = tableFor(TableRef.parse(written.table()));
    return lake.append(stats, ref, commitMetadata).version();
  }

  static Dataset<Row> compute(Dataset<Row> rows, List<String> features, long tableVersion) {
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
    List<Row> out = new ArrayList<>();
    List<Double> probabilityList = java.util.Arrays.stream(PROBABILITIES).boxed().toList();
    for (int i = 0; i < features.size(); i++) {
      int at = 1 + i * 6;
      long present = all.getLong(at);
      out.add(RowFactory.create(tableVersion, features.get(i), total, total - present, all.get(at + 1),
          all.get(at + 2), all.get(at + 3), all.get(at + 4), probabilityList,
          all.isNullAt(at + 5) ? null : all.getList(at + 5)));
    }
    return rows.sparkSession().createDataFrame(out, SCHEMA);
  }
}
