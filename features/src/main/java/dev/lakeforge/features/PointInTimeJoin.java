package dev.lakeforge.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.spark.ColumnNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The as-of join behind training sets: for each spine row, the latest feature row of the same entity with
 * event time at or before the spine row's time, and not older than the ttl; otherwise nulls.
 *
 * <p>Spine and feature rows are unioned, partitioned by entity and sorted by time (feature rows first on ties, so
 * a feature stamped exactly at the spine time is visible), and each spine row takes the last non-null feature
 * struct seen so far. That is one shuffle and a linear scan per entity: no range join, no rows multiplied.
 */
public final class PointInTimeJoin {
  private static final String TIME = "__pit_time";
  private static final String SIDE = "__pit_side";
  private static final String SPINE = "__pit_spine";
  private static final String FEATURE = "__pit_feature";
  private static final String FEATURE_TIME = "__pit_feature_time";
  private static final String KEY = "__pit_key_";

  private PointInTimeJoin() {}

  /**
   * @param spine          rows to enrich; every column is kept
   * @param spineTime      the spine's time column
   * @param features       feature rows, one per (entity, time)
   * @param entity         the entity columns, present in both frames
   * @param featureTime    the feature rows' time column
   * @param featureColumns the feature columns to bring over (names must not clash with the spine's)
   * @param ttl            how old a feature row may be; empty means any age
   */
  public static Dataset<Row> asOf(Dataset<Row> spine, String spineTime, Dataset<Row> features, List<String> entity,
      String featureTime, List<String> featureColumns, Optional<Duration> ttl) {
    StructType spineType = spine.schema();
    List<Column> featureFields = new ArrayList<>();
    featureColumns.forEach(c -> featureFields.add(ColumnNames.column(c)));
    featureFields.add(ColumnNames.column(featureTime).cast("timestamp").as(FEATURE_TIME));
    Dataset<Row> featureSide = features.select(struct(featureFields.toArray(Column[]::new)).as(FEATURE));
    DataType featureType = featureSide.schema().apply(FEATURE).dataType();

    List<Column> spineRow = new ArrayList<>();
    for (int i = 0; i < entity.size(); i++) {
      spineRow.add(ColumnNames.column(entity.get(i)).as(KEY + i));
    }
    spineRow.add(ColumnNames.column(spineTime).cast("timestamp").as(TIME));
    spineRow.add(lit(1).as(SIDE));
    spineRow.add(struct(Arrays.stream(spine.columns()).map(ColumnNames::column).toArray(Column[]::new)).as(SPINE));
    spineRow.add(lit(null).cast(featureType).as(FEATURE));

    List<Column> featureRow = new ArrayList<>();
    for (int i = 0; i < entity.size(); i++) {
      featureRow.add(ColumnNames.column(entity.get(i)).cast(spineType.apply(entity.get(i)).dataType()).as(KEY + i));
    }
    featureRow.add(ColumnNames.column(featureTime).cast("timestamp").as(TIME));
    featureRow.add(lit(0).as(SIDE));
    featureRow.add(lit(null).cast(spineType).as(SPINE));
    featureRow.add(struct(featureFields.toArray(Column[]::new)).as(FEATURE));

    Dataset<Row> both = spine.select(spineRow.toArray(Column[]::new))
        .unionByName(features.select(featureRow.toArray(Column[]::new)));
    var upToNow = Window.partitionBy(java.util.stream.IntStream.range(0, entity.size()).mapToObj(i -> col(KEY + i))
        .toArray(Column[]::new))
        .orderBy(col(TIME), col(SIDE))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> matched = both.withColumn(FEATURE, last(col(FEATURE), true).over(upToNow))
        .filter(col(SIDE).equalTo(1));

    Column fresh = col(FEATURE).getField(FEATURE_TIME).isNotNull();
    if (ttl.isPresent()) {
      fresh = fresh.and(col(FEATURE).getField(FEATURE_TIME)
          .geq(col(TIME).minus(org.apache.spark.sql.functions.expr(
              "INTERVAL " + ttl.get().toSeconds() + " SECONDS"))));
    }
    List<Column> out = new ArrayList<>();
    for (String c : spine.columns()) {
      out.add(col(SPINE).getField(c).as(c));
    }
    for (String c : featureColumns) {
      out.add(when(fresh, col(FEATURE).getField(c)).as(c));
    }
    return matched.select(out.toArray(Column[]::new));
  }
}
