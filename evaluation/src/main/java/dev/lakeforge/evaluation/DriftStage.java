package dev.lakeforge.evaluation;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.config.DriftConfig;
import dev.lakeforge.core.config.DriftConfig.DriftThreshold;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.RunDate;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.table.VersionedFrame;
import dev.lakeforge.features.FeatureStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Compares a current batch with a reference, column by column, in two Spark passes: one aggregation over the
 * reference for its quantile edges, then one grouped count over both batches of (column, bin or value). The
 * distances come from those counts ({@link DriftStatistics}); every result is appended to {@code monitoring.drift}
 * with both table versions, and a {@code fail} level crossed ends the stage with exit 3. A column with fewer than
 * {@code drift.min_rows} values in either batch gets no distances: its results are {@link #INSUFFICIENT}, stored
 * without a value and warned about, and neither pass nor fail.
 */
public final class DriftStage implements Stage {
  public static final String NAME = "drift";
  /** The status of a distance not computed because a batch has fewer than min_rows values of the column. */
  public static final String INSUFFICIENT = "insufficient";
  static final List<String> NUMERIC_METHODS = List.of("psi", "js", "ks", "wasserstein");
  static final List<String> CATEGORICAL_METHODS = List.of("psi", "js", "chi_square", "chi_square_p");
  static final TableRef TABLE = TableRef.of("monitoring", "drift");
  static final int FINE_BINS = 100;
  static final StructType SCHEMA = StructType.fromDDL("pipeline STRING, run_id STRING, run_date DATE, "
      + "reference STRING, current STRING, column_name STRING, kind STRING, method STRING, value DOUBLE, "
      + "warn_level DOUBLE, fail_level DOUBLE, status STRING");

  /** One distance of one column. */
  public record Result(String column, String kind, String method, double value, String status) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    DriftConfig drift = context.config().drift();
    if (drift == null) {
      throw Errors.configInvalid(context.loaded().file().toString(), "there is no 'drift' section. Fix: add one "
          + "with reference, current and the columns to compare");
    }
    StageResult.Builder result = context.result(NAME);
    VersionedFrame current = context.lake().read(TableRef.parse(drift.current()));
    Dataset<Row> cur = filtered(current.rows(), drift.currentFilter(), context, "current_filter");
    TableVersion referenceVersion;
    List<Result> results;
    if (drift.referenceStatistics() != null) {
      StoredReference stored = StoredReference.read(context.lake(), TableRef.parse(drift.referenceStatistics()),
          drift.numeric());
      referenceVersion = stored.version();
      result.read(stored.statisticsVersion()).read(current.version());
      requireColumns(drift, stored.features(), cur, referenceVersion + " statistics", current.version());
      results = compare(drift, stored, cur);
    } else {
      VersionedFrame reference = context.lake().read(TableRef.parse(drift.reference()));
      referenceVersion = reference.version();
      result.read(reference.version()).read(current.version());
      Dataset<Row> ref = filtered(reference.rows(), drift.referenceFilter(), context, "reference_filter");
      requireColumns(drift, Arrays.asList(ref.columns()), cur, referenceVersion.toString(), current.version());
      results = compare(drift, ref, cur);
    }
    List<String> failures = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (Result r : results) {
      DriftThreshold t = drift.thresholds().get(r.method());
      rows.add(RowFactory.create(context.config().pipeline(), context.runId(), RunDate.value(context.runDate()),
          label(referenceVersion), label(current.version()), r.column(), r.kind(), r.method(),
          Double.isNaN(r.value()) ? null : r.value(),
          t == null ? null : t.warn(), t == null ? null : t.fail(), r.status()));
      if (!r.status().equals(INSUFFICIENT)) {
        result.metric("drift." + r.column() + "." + r.method(), r.value());
      }
      if (r.status().equals("fail")) {
        failures.add(String.format("%s %s = %.4f crosses its fail level %s", r.column(), r.method(), r.value(),
            t.fail()));
      }
    }
    Dataset<Row> frame = context.spark().createDataFrame(rows, SCHEMA).coalesce(1);
    result.wrote(context.lake().write(frame, TableWrite.replaceRunDate(TABLE, context.runDate()))
        .version());
    List<String> insufficient = results.stream().filter(r -> r.status().equals(INSUFFICIENT))
        .map(Result::column).distinct().toList();
    result.metric("drift.warnings", results.stream().filter(r -> r.status().equals("warn")).count())
        .metric("drift.failures", (long) failures.size())
        .metric("drift.insufficient", (long) insufficient.size());
    if (!insufficient.isEmpty()) {
      result.output("warning", "insufficient data for drift of " + String.join(", ", insufficient) + ": fewer than "
          + "min_rows " + drift.minRows() + " values in " + current.version() + " or the reference, so no distance "
          + "was computed; neither passed nor failed (status '" + INSUFFICIENT + "' in monitoring.drift)");
    }
    if (!failures.isEmpty()) {
      throw result.failed(Errors.driftGate(current.version() + " against " + referenceVersion,
          String.join("; ", failures) + " (all results in monitoring.drift)"));
    }
    return result.build();
  }

  /** Every configured distance of every configured column. */
  static List<Result> compare(DriftConfig drift, Dataset<Row> ref, Dataset<Row> cur) {
    // Pass 1: the reference's fine quantile edges and spread of each numeric column.
    Map<String, double[]> edges = new LinkedHashMap<>();
    Map<String, Double> spread = new HashMap<>();
    if (!drift.numeric().isEmpty()) {
      Column[] probabilities = new Column[FINE_BINS + 1];
      for (int i = 0; i <= FINE_BINS; i++) {
        probabilities[i] = lit((double) i / FINE_BINS);
      }
      List<Column> aggs = new ArrayList<>();
      for (String c : drift.numeric()) {
        aggs.add(percentile_approx(ColumnNames.column(c).cast("double"), array(probabilities), lit(10_000)));
        aggs.add(stddev_samp(ColumnNames.column(c)));
      }
      Row stats = ref.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).head();
      for (int i = 0; i < drift.numeric().size(); i++) {
        List<Double> q = stats.isNullAt(2 * i) ? List.of(0.0) : stats.getList(2 * i);
        edges.put(drift.numeric().get(i), q.stream().mapToDouble(Double::doubleValue).distinct().sorted().toArray());
        spread.put(drift.numeric().get(i), stats.isNullAt(2 * i + 1) ? 0 : stats.getDouble(2 * i + 1));
      }
    }
    // Pass 2: counts per (batch, column, bin or value) over both batches at once.
    Dataset<Row> counts = cells(drift, edges, ref, "r").unionByName(cells(drift, edges, cur, "c"))
        .groupBy("batch", "column_name", "key").agg(count(lit(1)), sum(col("value")));
    Map<String, Map<String, long[]>> byColumn = new HashMap<>();
    Map<String, Map<String, double[]>> sums = new HashMap<>();
    for (Row r : counts.collectAsList()) {
      int batch = r.getString(0).equals("r") ? 0 : 1;
      byColumn.computeIfAbsent(r.getString(1), k -> new HashMap<>())
          .computeIfAbsent(r.getString(2), k -> new long[2])[batch] += r.getLong(3);
      if (!r.isNullAt(4)) {
        sums.computeIfAbsent(r.getString(1), k -> new HashMap<>())
            .computeIfAbsent(r.getString(2), k -> new double[2])[batch] += r.getDouble(4);
      }
    }

    List<Result> out = new ArrayList<>();
    for (String c : drift.numeric()) {
      double[] e = edges.get(c);
      long[][] fine = new long[2][e.length + 1];
      double[][] at = new double[2][e.length + 1];
      byColumn.getOrDefault(c, Map.of()).forEach((bin, pair) -> {
        int i = Integer.parseInt(bin);
        double[] total = sums.get(c).get(bin);
        for (int b = 0; b < 2; b++) {
          fine[b][i] += pair[b];
          at[b][i] = pair[b] == 0 ? 0 : total[b] / pair[b];
        }
      });
      numeric(out, drift, c, fine, at, spread.get(c));
    }
    for (String c : drift.categorical()) {
      TreeSet<String> keys = new TreeSet<>(byColumn.getOrDefault(c, Map.of()).keySet());
      long[][] cat = new long[2][keys.size()];
      int i = 0;
      for (String k : keys) {
        long[] pair = byColumn.get(c).get(k);
        cat[0][i] = pair[0];
        cat[1][i++] = pair[1];
      }
      if (tooFew(cat, drift.minRows())) {
        CATEGORICAL_METHODS.forEach(m -> out.add(new Result(c, "categorical", m, Double.NaN, INSUFFICIENT)));
        continue;
      }
      add(out, drift, c, "categorical", "psi", DriftStatistics.psi(cat[0], cat[1]));
      add(out, drift, c, "categorical", "js", DriftStatistics.jensenShannon(cat[0], cat[1]));
      double chi = DriftStatistics.chiSquare(cat[0], cat[1]);
      add(out, drift, c, "categorical", "chi_square", chi);
      add(out, drift, c, "categorical", "chi_square_p", DriftStatistics.chiSquarePValue(chi, keys.size()));
    }
    return out;
  }

  /**
   * Against stored statistics: the reference's bins, counts and bin means come from the statistics table; one
   * grouped count over the current batch on the same edges.
   */
  static List<Result> compare(DriftConfig drift, StoredReference stored, Dataset<Row> cur) {
    Map<String, double[]> edges = new LinkedHashMap<>();
    drift.numeric().forEach(c -> edges.put(c, stored.histogram(c).edges()));
    Dataset<Row> counts = cells(drift, edges, cur, "c").groupBy("column_name", "key")
        .agg(count(lit(1)), sum(col("value")));
    Map<String, Map<Integer, double[]>> current = new HashMap<>();
    for (Row r : counts.collectAsList()) {
      current.computeIfAbsent(r.getString(0), k -> new HashMap<>())
          .put(Integer.parseInt(r.getString(1)), new double[] {r.getLong(2), r.isNullAt(3) ? 0 : r.getDouble(3)});
    }
    List<Result> out = new ArrayList<>();
    for (String c : drift.numeric()) {
      StoredReference.Histogram h = stored.histogram(c);
      int n = h.counts().length;
      long[][] fine = new long[2][n];
      double[][] at = new double[2][n];
      for (int i = 0; i < n; i++) {
        fine[0][i] = h.counts()[i];
        at[0][i] = h.means()[i];
        double[] cell = current.getOrDefault(c, Map.of()).get(i);
        if (cell != null) {
          fine[1][i] = (long) cell[0];
          at[1][i] = cell[0] == 0 ? 0 : cell[1] / cell[0];
        }
      }
      numeric(out, drift, c, fine, at, h.stddev());
    }
    return out;
  }

  /** PSI and Jensen–Shannon on coarse bins, KS on the fine ones, Wasserstein in reference standard deviations. */
  private static void numeric(List<Result> out, DriftConfig drift, String c, long[][] fine, double[][] at,
      double sd) {
    if (tooFew(fine, drift.minRows())) {
      NUMERIC_METHODS.forEach(m -> out.add(new Result(c, "numeric", m, Double.NaN, INSUFFICIENT)));
      return;
    }
    long[][] coarse = coarsen(fine, drift.bins());
    add(out, drift, c, "numeric", "psi", DriftStatistics.psi(coarse[0], coarse[1]));
    add(out, drift, c, "numeric", "js", DriftStatistics.jensenShannon(coarse[0], coarse[1]));
    add(out, drift, c, "numeric", "ks", DriftStatistics.ks(fine[0], fine[1]));
    double w = DriftStatistics.wasserstein(at[0], fine[0], at[1], fine[1]);
    add(out, drift, c, "numeric", "wasserstein", sd > 0 ? w / sd : w);
  }

  /** True when the reference (row 0) or the current batch (row 1) has fewer than {@code minRows} values. */
  static boolean tooFew(long[][] counts, int minRows) {
    return java.util.Arrays.stream(counts[0]).sum() < minRows || java.util.Arrays.stream(counts[1]).sum() < minRows;
  }

  private static void requireColumns(DriftConfig drift, List<String> referenceColumns, Dataset<Row> cur,
      String referenceLabel, TableVersion current) {
    for (String column : concat(drift.numeric(), drift.categorical())) {
      if (!referenceColumns.contains(column) || !Arrays.asList(cur.columns()).contains(column)) {
        throw Errors.configInvalid("drift", "column '" + column + "' is not in both " + referenceLabel + " and "
            + current + " (reference columns: " + String.join(", ", referenceColumns) + ")");
      }
    }
  }

  /** One (batch, column, key) row per non-null cell; numeric keys are the fine bin index. */
  private static Dataset<Row> cells(DriftConfig drift, Map<String, double[]> edges, Dataset<Row> rows,
      String batch) {
    List<Column> pairs = new ArrayList<>();
    for (String c : drift.numeric()) {
      Column bin = FeatureStatistics.binIndex(c, edges.get(c));
      pairs.add(struct(lit(c).as("column_name"), bin.cast("string").as("key"),
          ColumnNames.column(c).cast("double").as("value"), ColumnNames.column(c).isNull().as("missing")));
    }
    for (String c : drift.categorical()) {
      pairs.add(struct(lit(c).as("column_name"), ColumnNames.column(c).cast("string").as("key"),
          lit(null).cast("double").as("value"), ColumnNames.column(c).isNull().as("missing")));
    }
    return rows.select(explode(array(pairs.toArray(Column[]::new))).as("p"))
        .filter(col("p.missing").equalTo(false))
        .select(lit(batch).as("batch"), col("p.column_name").as("column_name"), col("p.key").as("key"),
            col("p.value").as("value"));
  }

  /** Merges the fine inner bins into {@code bins} groups of equal reference quantile width; tails join the ends. */
  static long[][] coarsen(long[][] fine, int bins) {
    int inner = fine[0].length - 2;
    int groups = Math.max(1, Math.min(bins, inner));
    long[][] out = new long[2][groups];
    for (int i = 0; i < fine[0].length; i++) {
      int g = i == 0 ? 0 : i > inner ? groups - 1 : Math.min(groups - 1, (i - 1) * groups / Math.max(1, inner));
      out[0][g] += fine[0][i];
      out[1][g] += fine[1][i];
    }
    return out;
  }

  private static void add(List<Result> out, DriftConfig drift, String column, String kind, String method,
      double value) {
    DriftThreshold t = drift.thresholds().get(method);
    String status = "ok";
    if (t != null) {
      boolean lowIsBad = method.equals("chi_square_p");
      if (t.fail() != null && (lowIsBad ? value < t.fail() : value > t.fail())) {
        status = "fail";
      } else if (t.warn() != null && (lowIsBad ? value < t.warn() : value > t.warn())) {
        status = "warn";
      }
    }
    out.add(new Result(column, kind, method, value, status));
  }

  private static Dataset<Row> filtered(Dataset<Row> rows, String predicate, RunContext context, String key) {
    if (predicate == null) {
      return rows;
    }
    String resolved = predicate.replace("${run_date}", context.runDate().toString());
    try {
      Dataset<Row> out = rows.filter(resolved);
      out.queryExecution().assertAnalyzed();
      return out;
    } catch (Exception e) {
      throw Errors.sqlExpression("drift." + key, resolved, dev.lakeforge.core.error.LibraryMessage.of(e), e);
    }
  }

  private static String label(TableVersion v) {
    return v.table() + "@v" + v.version();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
