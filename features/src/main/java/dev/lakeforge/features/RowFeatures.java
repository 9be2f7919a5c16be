package dev.lakeforge.features;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.dayofyear;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.minute;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.weekofyear;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.config.FeatureConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.table.VersionedFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Computes row features (every kind but aggregate) onto a frame. Encodings learn from the fit window only
 * (one_hot's values, frequency shares, target means); index vocabularies are append-only across runs.
 */
final class RowFeatures {
  /** What to compute: the features, the event-time column, which rows encodings may learn from, the label. */
  record Spec(String owner, List<FeatureConfig> features, String eventTime, Column fitWindow, Column label,
      TableRef vocabulary) {}

  /** The frame with the features added, and their column names in order (one_hot adds several). */
  record Output(Dataset<Row> rows, List<String> columns) {}

  private final Lake lake;
  private final StageResult.Builder result;
  private final String commitMetadata;

  RowFeatures(Lake lake, StageResult.Builder result, String commitMetadata) {
    this.lake = lake;
    this.result = result;
    this.commitMetadata = commitMetadata;
  }

  Output add(Dataset<Row> rows, Spec spec) {
    requireInputColumns(rows, spec);
    Dataset<Row> out = withIndexes(rows, spec);
    List<String> columns = new ArrayList<>();
    for (FeatureConfig f : spec.features()) {
      String where = spec.owner() + " feature '" + f.name() + "'";
      switch (f.kind()) {
        case EXPR -> out = withFeature(out, f.name(), Expressions.compile(where, f.expr()), where);
        case TIME_PART -> out = withTimePart(out, f, spec.eventTime());
        case INDEX -> { } // joined above, all vocabularies in one pass
        case ONE_HOT -> {
          List<String> values = topValues(out, f, spec.fitWindow());
          List<String> names = oneHotColumns(f.name(), values);
          for (int i = 0; i < values.size(); i++) {
            requireNewColumn(out, columns, names.get(i), where);
            out = out.withColumn(names.get(i), when(ColumnNames.column(f.oneHot()).cast("string")
                .equalTo(lit(values.get(i))), 1.0).otherwise(0.0));
            columns.add(names.get(i));
          }
          continue;
        }
        case FREQUENCY -> out = withFrequency(out, f, spec.fitWindow());
        case TARGET_MEAN -> out = withTargetMean(out, f, spec.fitWindow(), spec.label());
        case AGGREGATE -> throw new IllegalStateException("aggregates are computed by WindowAggregates");
      }
      columns.add(f.name());
    }
    return new Output(out, columns);
  }

  /**
   * The column of each one_hot value: {@code <feature>_<value>} with every character that is not a letter or digit
   * (in any script: 東京 stays 東京) replaced by '_'. Values whose names would still coincide, compared as Delta
   * compares column names (ignoring case), get the first 8 hex digits of their value's SHA-256 appended, so the
   * names are unique and the same on every run (models depend on them).
   *
   * @param values distinct values, in the order of the columns
   */
  static List<String> oneHotColumns(String feature, List<String> values) {
    List<String> plain = values.stream().map(v -> feature + "_" + v.replaceAll("[^\\p{L}\\p{N}]", "_")).toList();
    Map<String, Long> uses = plain.stream().collect(java.util.stream.Collectors.groupingBy(
        n -> n.toLowerCase(java.util.Locale.ROOT), java.util.stream.Collectors.counting()));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      String name = plain.get(i);
      out.add(uses.get(name.toLowerCase(java.util.Locale.ROOT)) > 1 ? name + "_" + shortHash(values.get(i)) : name);
    }
    return out;
  }

  private static String shortHash(String value) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A generated column must not take the name (ignoring case, as Delta does) of one the rows already have. */
  private static void requireNewColumn(Dataset<Row> rows, List<String> generated, String name, String where) {
    java.util.stream.Stream.concat(Arrays.stream(rows.columns()), generated.stream())
        .filter(c -> c.equalsIgnoreCase(name)).findFirst().ifPresent(c -> {
          throw Errors.configInvalid(where, "its generated column '" + name + "' has the name of column '" + c
              + "' (Delta compares names ignoring case). Fix: rename the feature or the other column");
        });
  }

  private static void requireInputColumns(Dataset<Row> rows, Spec spec) {
    List<String> have = Arrays.asList(rows.columns());
    for (FeatureConfig f : spec.features()) {
      String input = f.categoricalColumn();
      if (input != null && !have.contains(input)) {
        throw Errors.configInvalid(spec.owner() + " feature '" + f.name() + "'", "column '" + input
            + "' does not exist (columns: " + String.join(", ", have) + ")");
      }
    }
  }

  private static Dataset<Row> withFeature(Dataset<Row> rows, String name, Column value, String where) {
    return Expressions.analysed(where, () -> rows.withColumn(name, value.cast("double")));
  }

  private Dataset<Row> withIndexes(Dataset<Row> rows, Spec spec) {
    List<FeatureConfig> indexed = spec.features().stream().filter(f -> f.kind() == FeatureConfig.Kind.INDEX).toList();
    Optional<TableVersion> version = FeatureVocabulary.extend(lake, spec.vocabulary(), rows,
        indexed.stream().map(FeatureConfig::index).distinct().toList(), commitMetadata);
    if (version.isEmpty()) {
      return rows;
    }
    result.wrote(version.get());
    Dataset<Row> vocabulary = lake.read(TableRef.parse(version.get().toString()), "features").rows();
    Dataset<Row> out = rows;
    for (FeatureConfig f : indexed) {
      String key = "__value_" + f.name();
      Dataset<Row> entries = vocabulary.filter(col("column").equalTo(f.index()))
          .select(col("value").as(key), col("index").cast("double").as(f.name()));
      out = out.join(broadcast(entries), out.col(ColumnNames.quoted(f.index())).cast("string").equalTo(entries.col(key)), "left")
          .drop(key);
    }
    return out;
  }

  private Dataset<Row> withTimePart(Dataset<Row> rows, FeatureConfig f, String eventTime) {
    Column t = ColumnNames.column(eventTime);
    Column value = switch (f.timePart()) {
      case "hour" -> hour(t);
      case "minute" -> minute(t);
      case "day_of_week" -> dayofweek(t);
      case "day_of_month" -> dayofmonth(t);
      case "day_of_year" -> dayofyear(t);
      case "week_of_year" -> weekofyear(t);
      case "month" -> month(t);
      case "holiday" -> null;
      default -> throw new IllegalStateException("unknown time part " + f.timePart());
    };
    if (value != null) {
      return rows.withColumn(f.name(), value.cast("double"));
    }
    VersionedFrame calendar = lake.read(TableRef.parse(f.calendar()), "validate");
    result.read(calendar.version());
    if (!Arrays.asList(calendar.rows().columns()).contains("date")) {
      throw Errors.configInvalid("feature '" + f.name() + "'", "calendar " + calendar.version()
          + " has no 'date' column (columns: " + String.join(", ", calendar.rows().columns()) + ")");
    }
    String key = "__holiday_" + f.name();
    Dataset<Row> days = calendar.rows().select(to_date(col("date")).as(key)).filter(col(key).isNotNull()).distinct();
    return rows.join(broadcast(days), to_date(t).equalTo(days.col(key)), "left")
        .withColumn(f.name(), when(col(key).isNotNull(), 1.0).otherwise(when(t.isNotNull(), 0.0)))
        .drop(key);
  }

  private static List<String> topValues(Dataset<Row> rows, FeatureConfig f, Column fitWindow) {
    return rows.filter(fitWindow).select(col(f.oneHot()).cast("string").as("v")).filter(col("v").isNotNull())
        .groupBy("v").agg(count(lit(1)).as("n")).orderBy(col("n").desc(), col("v")).limit(f.top())
        .collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  private static Dataset<Row> withFrequency(Dataset<Row> rows, FeatureConfig f, Column fitWindow) {
    String key = "__value_" + f.name();
    Dataset<Row> fit = rows.filter(fitWindow);
    long total = fit.count();
    if (total == 0) {
      throw Errors.featureInput("feature '" + f.name() + "'", "the fit window has no rows to learn frequencies from",
          "move fit_until (or training.split.validate_from) after the first event");
    }
    Dataset<Row> shares = fit.groupBy(ColumnNames.column(f.frequency()).cast("string").as(key))
        .agg(count(lit(1)).divide(lit((double) total)).as(f.name()));
    return rows.join(broadcast(shares), rows.col(ColumnNames.quoted(f.frequency())).cast("string").equalTo(shares.col(key)), "left")
        .withColumn(f.name(), when(ColumnNames.column(f.frequency()).isNotNull(), coalesce(ColumnNames.column(f.name()), lit(0.0))))
        .drop(key);
  }

  private static Dataset<Row> withTargetMean(Dataset<Row> rows, FeatureConfig f, Column fitWindow, Column label) {
    String key = "__value_" + f.name();
    if (rows.select(label).schema().apply(0).dataType() instanceof org.apache.spark.sql.types.StringType) {
      throw Errors.featureInput("feature '" + f.name() + "'", "the label is a string, and a target mean needs a "
          + "numeric label", "use a 0/1 label (e.g. CAST(outcome = 'yes' AS INT)) or a frequency feature instead");
    }
    Dataset<Row> fit = rows.filter(fitWindow.and(label.isNotNull()))
        .select(ColumnNames.column(f.targetMean()).cast("string").as(key), label.cast("double").as("__y"));
    Row overall = fit.agg(sum("__y"), count("__y")).first();
    if (overall.getLong(1) == 0) {
      throw Errors.featureInput("feature '" + f.name() + "'", "the fit window has no labelled rows to learn "
          + "target means from", "move fit_until (or training.split.validate_from) after the first labelled event");
    }
    double prior = overall.getDouble(0) / overall.getLong(1);
    double m = f.smoothing();
    // (sum + m * prior) / (n + m): rare values lean on the overall mean instead of their few labels.
    Dataset<Row> means = fit.filter(col(key).isNotNull()).groupBy(key)
        .agg(sum("__y").plus(lit(m * prior)).divide(count(lit(1)).plus(lit(m))).as(f.name()));
    return rows.join(broadcast(means), rows.col(ColumnNames.quoted(f.targetMean())).cast("string").equalTo(means.col(key)), "left")
        .withColumn(f.name(), coalesce(ColumnNames.column(f.name()), lit(prior)))
        .drop(key);
  }
}
