package dev.lakeforge.etl;

import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.storage.Storage;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.VersionedFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Profiles a table version in two scans: one aggregation for every column's counts, moments and quantiles, then one
 * grouped pass over (column, value-or-bin) pairs for the top values of every column and the histograms of numeric
 * ones. Writes {@code <name>.json} and a readable {@code <name>.html}.
 */
public final class TableProfiler {
  static final double[] QUANTILES = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
  static final int BINS = 20;
  static final int TOP = 10;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A column's profile. */
  public record ColumnProfile(String name, String type, long nulls, long distinctApprox, Double min, Double max,
      Double mean, Double stddev, Map<String, Double> quantiles, List<Map<String, Object>> topValues,
      List<Map<String, Object>> histogram) {}

  /** A table version's profile. */
  public record Profile(String table, long version, long rows, List<ColumnProfile> columns) {}

  public Profile run(Lake lake, TableRef ref) {
    VersionedFrame frame = lake.read(ref);
    Dataset<Row> rows = frame.rows();
    List<StructField> fields = List.of(rows.schema().fields());
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("rows"));
    for (StructField f : fields) {
      Column c = ColumnNames.column(f.name());
      aggs.add(count(c).as(f.name() + "|non_null"));
      aggs.add(approx_count_distinct(ColumnNames.comparable(f.name(), f.dataType())).as(f.name() + "|distinct"));
      if (f.dataType() instanceof NumericType) {
        aggs.add(min(c).cast("double").as(f.name() + "|min"));
        aggs.add(max(c).cast("double").as(f.name() + "|max"));
        aggs.add(avg(c).cast("double").as(f.name() + "|mean"));
        aggs.add(stddev_samp(c).as(f.name() + "|stddev"));
        Column[] ps = java.util.Arrays.stream(QUANTILES).mapToObj(p -> lit(p)).toArray(Column[]::new);
        aggs.add(percentile_approx(c.cast("double"), array(ps), lit(10_000)).as(f.name() + "|quantiles"));
      }
    }
    Row stats = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).head();
    long total = stats.getLong(0);

    // Second scan: one (column, key) pair per cell, where key is the bin of a numeric value or the value itself.
    List<Column> pairs = new ArrayList<>();
    for (StructField f : fields) {
      Column c = ColumnNames.column(f.name());
      Column key;
      if (f.dataType() instanceof NumericType && !stats.isNullAt(stats.fieldIndex(f.name() + "|min"))) {
        double lo = stats.getDouble(stats.fieldIndex(f.name() + "|min"));
        double hi = stats.getDouble(stats.fieldIndex(f.name() + "|max"));
        double width = hi > lo ? (hi - lo) / BINS : 1;
        key = least(floor(c.cast("double").minus(lo).divide(width)), lit(BINS - 1)).cast("string");
      } else {
        key = ColumnNames.containsMap(f.dataType()) ? to_json(c) : c.cast("string");
      }
      pairs.add(struct(lit(f.name()).as("column"), key.as("key")));
    }
    List<Row> counts = pairs.isEmpty() ? List.of() : rows.select(explode(array(pairs.toArray(Column[]::new))).as("p"))
        .select(col("p.column"), col("p.key")).filter(col("key").isNotNull())
        .groupBy("column", "key").count().collectAsList();
    Map<String, List<Row>> byColumn = new LinkedHashMap<>();
    counts.forEach(r -> byColumn.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r));

    List<ColumnProfile> columns = new ArrayList<>();
    for (StructField f : fields) {
      boolean numeric = f.dataType() instanceof NumericType;
      List<Row> cells = byColumn.getOrDefault(f.name(), List.of());
      Map<String, Double> quantiles = new LinkedHashMap<>();
      List<Map<String, Object>> histogram = new ArrayList<>();
      List<Map<String, Object>> top = new ArrayList<>();
      Double lo = numeric ? nullable(stats, f.name() + "|min") : null;
      Double hi = numeric ? nullable(stats, f.name() + "|max") : null;
      if (numeric && lo != null) {
        List<Double> q = stats.getList(stats.fieldIndex(f.name() + "|quantiles"));
        for (int i = 0; i < QUANTILES.length; i++) {
          quantiles.put("p" + Math.round(QUANTILES[i] * 100), q.get(i));
        }
        double width = hi > lo ? (hi - lo) / BINS : 1;
        long[] bins = new long[BINS];
        cells.forEach(r -> bins[Integer.parseInt(r.getString(1).replace(".0", ""))] += r.getLong(2));
        for (int i = 0; i < BINS; i++) {
          histogram.add(Map.of("from", lo + i * width, "to", lo + (i + 1) * width, "count", bins[i]));
        }
      } else {
        cells.stream().sorted(Comparator.<Row>comparingLong(r -> -r.getLong(2)).thenComparing(r -> r.getString(1)))
            .limit(TOP).forEach(r -> top.add(Map.of("value", r.getString(1), "count", r.getLong(2))));
      }
      long nonNull = stats.getLong(stats.fieldIndex(f.name() + "|non_null"));
      columns.add(new ColumnProfile(f.name(), f.dataType().simpleString(), total - nonNull,
          stats.getLong(stats.fieldIndex(f.name() + "|distinct")), lo, hi,
          numeric ? nullable(stats, f.name() + "|mean") : null,
          numeric ? nullable(stats, f.name() + "|stddev") : null, quantiles, top, histogram));
    }
    return new Profile(frame.version().table(), frame.version().version(), total, columns);
  }

  /** Writes the profile as JSON and HTML into {@code dir} (any Hadoop path), each in one commit; returns the HTML. */
  public String write(Storage storage, Profile profile, String dir) {
    String base = storage.resolve(storage.qualify(dir), profile.table() + "@v" + profile.version());
    try {
      storage.commit(base + ".json", JSON.writeValueAsBytes(profile));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    storage.commit(base + ".html", ProfileHtml.render(profile).getBytes(StandardCharsets.UTF_8));
    return base + ".html";
  }

  /** As {@link #write(Storage, Profile, String)} into a local directory. */
  public Path write(Profile profile, Path dir) {
    return Path.of(write(Storage.local(), profile, dir.toAbsolutePath().toString()));
  }

  private static Double nullable(Row row, String field) {
    int i = row.fieldIndex(field);
    return row.isNullAt(i) ? null : row.getDouble(i);
  }
}
