package dev.lakeforge.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.config.FeatureConfig;
import dev.lakeforge.core.config.FeatureSetConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.table.VersionedFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Computes feature sets into {@code features.<name>} (all of them, or the one named): one row per entity and
 * event time, its aggregates over strictly earlier events, its dimension columns and row features. Each version
 * carries the definition's hash in its commit metadata, and its per-feature statistics go to
 * {@code features.<name>_stats}.
 */
public final class FeatureSetStage implements Stage {
  public static final String NAME = "features";
  private static final String RANK = "__created_rank";
  private static final String NEWEST = "__created_newest";

  private final String only;

  /** @param only the feature set to compute, or null for all declared sets */
  public FeatureSetStage(String only) {
    this.only = only;
  }

  public FeatureSetStage() {
    this(null);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    Map<String, FeatureSetConfig> sets = context.config().featureSets();
    if (only != null && !sets.containsKey(only)) {
      throw Errors.usage("Cannot compute feature set '" + only + "': it is not declared",
          "use one of: " + String.join(", ", sets.keySet()));
    }
    if (sets.isEmpty()) {
      throw Errors.configInvalid("feature_sets", "the pipeline declares no feature sets");
    }
    StageResult.Builder result = context.result(NAME);
    for (var set : sets.entrySet()) {
      if (only == null || only.equals(set.getKey())) {
        compute(context, set.getKey(), set.getValue(), result);
      }
    }
    return result.build();
  }

  private static void compute(RunContext context, String name, FeatureSetConfig set, StageResult.Builder result) {
    Lake lake = context.lake();
    String owner = "feature set '" + name + "'";
    VersionedFrame source = lake.read(TableRef.parse(set.source()));
    result.read(source.version());
    requireKeys(owner, source, set);

    List<FeatureConfig> aggregates = set.features().stream()
        .filter(f -> f.kind() == FeatureConfig.Kind.AGGREGATE).toList();
    List<FeatureConfig> rowFeatures = set.features().stream()
        .filter(f -> f.kind() != FeatureConfig.Kind.AGGREGATE).toList();
    Dataset<Row> base = set.aggregating()
        ? WindowAggregates.compute(source.rows(), set.entity(), set.eventTime(), aggregates, owner)
        : onePerEvent(owner, source, set, result, name);
    base = DimensionJoins.apply(lake, base, set.joins(), owner, result);

    Map<String, String> facts = Map.of("definition_hash", FeatureTable.definitionHash(context, "feature_sets", name));
    FeatureTable.FitWindow fit = FeatureTable.FitWindow.of(context.config(), set.fitUntil(), set.eventTime());
    var spec = new RowFeatures.Spec(owner, rowFeatures, set.eventTime(), fit.contains(), null,
        TableRef.of(FeatureTable.LAYER, name + "_vocab"));
    RowFeatures.Output withRows = new RowFeatures(lake, result, facts).add(base, spec);

    List<String> featureColumns = new ArrayList<>(aggregates.stream().map(FeatureConfig::name).toList());
    featureColumns.addAll(withRows.columns());
    List<Column> out = new ArrayList<>();
    set.entity().forEach(e -> out.add(ColumnNames.column(e)));
    out.add(ColumnNames.column(set.eventTime()));
    featureColumns.forEach(f -> out.add(ColumnNames.column(f).cast("double").as(f)));
    Dataset<Row> features = Expressions.analysed(owner, () -> withRows.rows().select(out.toArray(Column[]::new)));

    Lake.WriteResult written = lake.write(features, TableWrite.overwrite(FeatureTable.featureSet(name)).facts(facts));
    result.wrote(written.version())
        .wrote(FeatureStatistics.record(lake, written.version(), written.rowsWritten(), featureColumns, fit, facts))
        .metric(name + ".rows", written.rowsWritten())
        .metric(name + ".features", featureColumns.size());
  }

  private static void requireKeys(String owner, VersionedFrame source, FeatureSetConfig set) {
    List<String> have = Arrays.asList(source.rows().columns());
    List<String> needed = new ArrayList<>(set.entity());
    needed.add(set.eventTime());
    for (String c : needed) {
      if (!have.contains(c)) {
        throw Errors.configInvalid(owner, "column '" + c + "' is not in " + source.version()
            + " (its columns: " + String.join(", ", have) + ")");
      }
    }
    Column anyKeyNull = lit(false);
    for (String e : set.entity()) {
      anyKeyNull = anyKeyNull.or(ColumnNames.column(e).isNull());
    }
    Row nulls = source.rows().agg(sum(when(ColumnNames.column(set.eventTime()).isNull(), 1).otherwise(0)),
        sum(when(anyKeyNull, 1).otherwise(0))).first();
    long nullTimes = nulls.isNullAt(0) ? 0 : nulls.getLong(0);
    long nullKeys = nulls.isNullAt(1) ? 0 : nulls.getLong(1);
    if (nullTimes > 0 || nullKeys > 0) {
      throw Errors.featureInput(owner, source.version() + " has " + nullTimes + " rows with a null event time '"
              + set.eventTime() + "' and " + nullKeys + " rows with a null entity key " + set.entity()
              + "; such rows cannot be placed in time or attributed",
          "add not_null rules for these columns to the source's validation, which quarantines the rows");
    }
  }

  /**
   * The set's rows when it has no aggregates: one per (entity, event time). With {@code created_timestamp}, the row
   * created last stands for its (entity, time) and the others are counted as superseded; rows that tie on it too,
   * or any repeated (entity, time) without it, are refused, since a lookup could return any of them.
   */
  private static Dataset<Row> onePerEvent(String owner, VersionedFrame source, FeatureSetConfig set,
      StageResult.Builder result, String name) {
    List<Column> key = new ArrayList<>(set.entity().stream().map(ColumnNames::column).toList());
    key.add(ColumnNames.column(set.eventTime()));
    Column[] keys = key.toArray(Column[]::new);
    Dataset<Row> rows = source.rows();
    String created = set.createdTimestamp();
    if (created != null && !Arrays.asList(rows.columns()).contains(created)) {
      throw Errors.configInvalid(owner, "created_timestamp column '" + created + "' is not in " + source.version()
          + " (its columns: " + Arrays.stream(rows.columns()).filter(c -> !c.startsWith("_"))
              .collect(java.util.stream.Collectors.joining(", ")) + "); name one of them, or leave created_timestamp "
          + "out when the source has no creation time");
    }
    Dataset<Row> ranked = rows;
    Dataset<Row> repeated;
    if (created == null) {
      repeated = rows.groupBy(keys).agg(count(lit(1)).as("n")).filter(col("n").gt(1));
    } else {
      // Rows tied on the newest creation time are as ambiguous as rows without one.
      var byEvent = Window.partitionBy(keys);
      ranked = rows.withColumn(NEWEST, max(ColumnNames.column(created)).over(byEvent))
          .withColumn(RANK, row_number().over(byEvent.orderBy(ColumnNames.column(created).desc_nulls_last())));
      repeated = ranked.filter(ColumnNames.column(created).eqNullSafe(col(NEWEST)))
          .groupBy(keys).agg(count(lit(1)).as("n")).filter(col("n").gt(1));
    }
    List<Row> first = repeated.limit(1).collectAsList();
    if (!first.isEmpty()) {
      Row r = first.get(0);
      List<String> values = new ArrayList<>();
      for (int i = 0; i < key.size(); i++) {
        values.add(String.valueOf(r.get(i)));
      }
      String what = created == null ? "" : " with the same newest " + created;
      throw Errors.featureInput(owner, source.version() + " has several rows for entity and time ["
              + String.join(",", values) + "]" + what + " (" + r.getLong(key.size()) + " rows), so a lookup "
              + "could return any of them",
          created == null
              ? "name the column that says when each row was written as the set's created_timestamp (the newest "
                  + "row then wins), or deduplicate the source on " + set.entity() + " and '" + set.eventTime()
                  + "' in its validation with an order_by, or make the set aggregate its events"
              : "make " + created + " distinguish corrections, or deduplicate the source in its validation");
    }
    if (created == null) {
      return rows;
    }
    Dataset<Row> latest = ranked.filter(col(RANK).equalTo(1)).drop(RANK, NEWEST);
    result.metric(name + ".superseded_rows", ranked.filter(col(RANK).gt(1)).count());
    return latest;
  }
}
