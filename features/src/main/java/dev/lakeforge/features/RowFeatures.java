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
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.table.VersionedFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

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
  private final Map<String, String> facts;

  /** @param facts the stage's facts for the commits of the vocabulary (e.g. its definition hash) */
  RowFeatures(Lake lake, StageResult.Builder result, Map<String, String> facts) {
    this.lake = lake;
    this.result = result;
    this.facts = Map.copyOf(facts);
  }

  /**
   * Fits and applies in one go, the state kept in memory only: for feature sets, whose table stores the features
   * themselves, so nothing needs the state again.
   */
  Output add(Dataset<Row> rows, Spec spec) {
    return transform(rows, spec, fit(rows, spec), false);
  }

  /**
   * Learns each encoding from the fit window of {@code rows} (MLlib's Estimator.fit): extends the index vocabulary,
   * picks one_hot's top values, computes frequency shares and target means with their prior. Reads the label; the
   * shares and means stay lazy frames until {@link Encodings#write} stores them.
   */
  Encodings fit(Dataset<Row> rows, Spec spec) {
    requireInputColumns(rows, spec);
    List<FeatureConfig> indexed = spec.features().stream().filter(f -> f.kind() == FeatureConfig.Kind.INDEX).toList();
    Optional<TableVersion> vocabulary = FeatureVocabulary.extend(lake, spec.vocabulary(), rows,
        indexed.stream().map(FeatureConfig::index).distinct().toList(), facts);
    vocabulary.ifPresent(result::wrote);
    Map<String, List<String>> oneHot = new LinkedHashMap<>();
    Map<String, Dataset<Row>> learnt = new LinkedHashMap<>();
    Map<String, Double> priors = new LinkedHashMap<>();
    for (FeatureConfig f : spec.features()) {
      switch (f.kind()) {
        case ONE_HOT -> oneHot.put(f.name(), topValues(rows, f, spec.fitWindow()));
        case FREQUENCY -> learnt.put(f.name(), frequencies(rows, f, spec.fitWindow()));
        case TARGET_MEAN -> {
          TargetMeans means = targetMeans(rows, f, spec.fitWindow(), spec.label());
          learnt.put(f.name(), means.means());
          priors.put(f.name(), means.prior());
        }
        default -> { }
      }
    }
    return new Encodings(vocabulary, oneHot, learnt, priors);
  }

  /**
   * Applies fitted encodings to {@code rows} (MLlib's Model.transform): never learns from them, so scoring rows get
   * exactly the values training rows with the same inputs got. A value the encodings do not know gets the unknown
   * value of its kind: index null (missing), frequency 0, target_mean the prior, one_hot all zeros.
   *
   * @param markUnseen also add, per index, frequency and target_mean feature, a 0/1 column {@code __unseen_<name>}
   *                   (a non-null input the encodings do not know), for the scoring summary. one_hot has none: a
   *                   value outside its top values is all zeros in training too, and the others are not stored.
   */
  Output transform(Dataset<Row> rows, Spec spec, Encodings encodings, boolean markUnseen) {
    requireInputColumns(rows, spec);
    Dataset<Row> out = withIndexes(rows, spec, encodings.vocabulary(), markUnseen);
    List<String> columns = new ArrayList<>();
    for (FeatureConfig f : spec.features()) {
      String where = spec.owner() + " feature '" + f.name() + "'";
      switch (f.kind()) {
        case EXPR -> out = withFeature(out, f.name(), Expressions.compile(where, f.expr()), where);
        case TIME_PART -> out = withTimePart(out, f, spec.eventTime());
        case INDEX -> { } // joined above, all vocabularies in one pass
        case ONE_HOT -> {
          List<String> values = encodings.oneHot(f.name(), where);
          List<String> names = oneHotColumns(f.name(), values);
          for (int i = 0; i < values.size(); i++) {
            requireNewColumn(out, columns, names.get(i), where);
            out = out.withColumn(names.get(i), when(ColumnNames.column(f.oneHot()).cast("string")
                .equalTo(lit(values.get(i))), 1.0).otherwise(0.0));
            columns.add(names.get(i));
          }
          continue;
        }
        case FREQUENCY -> out = withFrequency(out, f, encodings.learnt(f.name(), where), markUnseen);
        case TARGET_MEAN -> out = withTargetMean(out, f, encodings.learnt(f.name(), where),
            encodings.prior(f.name(), where), markUnseen);
        case AGGREGATE -> throw new IllegalStateException("aggregates are computed by WindowAggregates");
      }
      columns.add(f.name());
    }
    return new Output(out, columns);
  }

  /** The 0/1 column {@link #transform} adds for a categorical feature when asked to mark unseen values. */
  static String unseenColumn(FeatureConfig f) {
    return "__unseen_" + f.name();
  }

  /** Whether {@link #transform} marks unseen values of this feature: index, frequency and target_mean. */
  static boolean marksUnseen(FeatureConfig f) {
    return f.index() != null || f.frequency() != null || f.targetMean() != null;
  }

  /**
   * The fitted state of a frame's row features: the index vocabulary version, one_hot's values in column order,
   * frequency shares and target means per value (frames of {@code value, number}) and each target mean's prior.
   * {@link #write} stores it as one Delta table version and {@link #read} gets it back, so scoring applies the state a
   * training set version was built with.
   */
  record Encodings(Optional<TableVersion> vocabulary, Map<String, List<String>> oneHotValues,
      Map<String, Dataset<Row>> learntValues, Map<String, Double> priors) {
    static final String FEATURE = "feature";
    static final String KIND = "kind";
    static final String VALUE = "value";
    static final String NUMBER = "number";
    static final String POSITION = "position";
    private static final org.apache.spark.sql.types.StructType SCHEMA = new org.apache.spark.sql.types.StructType()
        .add(FEATURE, "string").add(KIND, "string").add(VALUE, "string").add(NUMBER, "double")
        .add(POSITION, "int");

    boolean isEmpty() {
      return vocabulary.isEmpty() && oneHotValues.isEmpty() && learntValues.isEmpty();
    }

    List<String> oneHot(String feature, String where) {
      return require(oneHotValues.get(feature), feature, where);
    }

    Dataset<Row> learnt(String feature, String where) {
      return require(learntValues.get(feature), feature, where);
    }

    double prior(String feature, String where) {
      return require(priors.get(feature), feature, where);
    }

    private static <T> T require(T value, String feature, String where) {
      if (value == null) {
        throw Errors.usage("Cannot encode " + where + ": because the recorded encodings have no state for '"
            + feature + "' (the training set was built from another definition)", "rebuild the training set "
            + "(lakeforge training-set) and retrain, so the model and its encodings come from one definition");
      }
      return value;
    }

    /** Stores the state as one overwrite of {@code table}; returns the version written. */
    TableVersion write(Lake lake, TableRef table, Map<String, String> facts) {
      SparkSession spark = lake.spark();
      List<Row> small = new ArrayList<>();
      vocabulary.ifPresent(v -> small.add(RowFactory.create("", "index", v.toString(), null, null)));
      oneHotValues.forEach((feature, values) -> {
        for (int i = 0; i < values.size(); i++) {
          small.add(RowFactory.create(feature, "one_hot", values.get(i), null, i));
        }
      });
      priors.forEach((feature, prior) -> small.add(RowFactory.create(feature, "target_mean_prior", null, prior, null)));
      Dataset<Row> rows = spark.createDataFrame(small, SCHEMA);
      for (Map.Entry<String, Dataset<Row>> e : learntValues.entrySet()) {
        rows = rows.unionByName(e.getValue().filter(col(VALUE).isNotNull()).select(lit(e.getKey()).as(FEATURE),
            lit("learnt").as(KIND), col(VALUE), col(NUMBER).cast("double").as(NUMBER),
            lit(null).cast("int").as(POSITION)));
      }
      return lake.write(rows, TableWrite.overwrite(table).facts(facts)).version();
    }

    /** The state stored at {@code version}; shares and means stay frames of it (broadcast when joined). */
    static Encodings read(Lake lake, TableVersion version) {
      Dataset<Row> rows = lake.read(TableRef.parse(version.toString())).rows();
      Optional<TableVersion> vocabulary = Optional.empty();
      Map<String, List<String>> oneHot = new LinkedHashMap<>();
      Map<String, Double> priors = new LinkedHashMap<>();
      java.util.Set<String> learnt = new java.util.LinkedHashSet<>();
      List<Row> small = rows.filter(col(KIND).notEqual("learnt")).orderBy(col(FEATURE), col(POSITION))
          .collectAsList();
      for (Row r : small) {
        switch (r.getString(1)) {
          case "index" -> {
            TableRef ref = TableRef.parse(r.getString(2));
            vocabulary = Optional.of(new TableVersion(ref.table(), ref.version()));
          }
          case "one_hot" -> oneHot.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getString(2));
          case "target_mean_prior" -> priors.put(r.getString(0), r.getDouble(3));
          default -> { }
        }
      }
      rows.filter(col(KIND).equalTo("learnt")).select(FEATURE).distinct().collectAsList()
          .forEach(r -> learnt.add(r.getString(0)));
      Map<String, Dataset<Row>> frames = new LinkedHashMap<>();
      for (String feature : learnt) {
        frames.put(feature, rows.filter(col(KIND).equalTo("learnt").and(col(FEATURE).equalTo(feature)))
            .select(col(VALUE), col(NUMBER)));
      }
      return new Encodings(vocabulary, oneHot, frames, priors);
    }
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

  private Dataset<Row> withIndexes(Dataset<Row> rows, Spec spec, Optional<TableVersion> version, boolean markUnseen) {
    List<FeatureConfig> indexed = spec.features().stream().filter(f -> f.kind() == FeatureConfig.Kind.INDEX).toList();
    if (indexed.isEmpty()) {
      return rows;
    }
    if (version.isEmpty()) {
      throw Errors.usage("Cannot encode " + spec.owner() + " feature '" + indexed.get(0).name() + "': because the "
          + "recorded encodings name no index vocabulary", "rebuild the training set (lakeforge training-set) and "
          + "retrain, so the model and its encodings come from one definition");
    }
    Dataset<Row> vocabulary = lake.read(TableRef.parse(version.get().toString())).rows();
    Dataset<Row> out = rows;
    for (FeatureConfig f : indexed) {
      String key = "__value_" + f.name();
      Dataset<Row> entries = vocabulary.filter(col("column").equalTo(f.index()))
          .select(col("value").as(key), col("index").cast("double").as(f.name()));
      out = out.join(broadcast(entries), out.col(ColumnNames.quoted(f.index())).cast("string").equalTo(entries.col(key)), "left")
          .drop(key);
      if (markUnseen) {
        out = out.withColumn(unseenColumn(f), when(ColumnNames.column(f.index()).isNotNull()
            .and(ColumnNames.column(f.name()).isNull()), 1).otherwise(0));
      }
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
    VersionedFrame calendar = lake.read(TableRef.parse(f.calendar()));
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

  private static Dataset<Row> frequencies(Dataset<Row> rows, FeatureConfig f, Column fitWindow) {
    Dataset<Row> fit = rows.filter(fitWindow);
    long total = fit.count();
    if (total == 0) {
      throw Errors.featureInput("feature '" + f.name() + "'", "the fit window has no rows to learn frequencies from",
          "move fit_until (or training.split.validate_from) after the first event");
    }
    return fit.groupBy(ColumnNames.column(f.frequency()).cast("string").as(Encodings.VALUE))
        .agg(count(lit(1)).divide(lit((double) total)).as(Encodings.NUMBER));
  }

  private static Dataset<Row> withFrequency(Dataset<Row> rows, FeatureConfig f, Dataset<Row> learnt,
      boolean markUnseen) {
    String key = "__value_" + f.name();
    Dataset<Row> shares = learnt.select(col(Encodings.VALUE).as(key), col(Encodings.NUMBER).as(f.name()));
    Dataset<Row> joined = rows.join(broadcast(shares), rows.col(ColumnNames.quoted(f.frequency())).cast("string").equalTo(shares.col(key)), "left");
    if (markUnseen) {
      joined = joined.withColumn(unseenColumn(f), when(ColumnNames.column(f.frequency()).isNotNull()
          .and(col(key).isNull()), 1).otherwise(0));
    }
    return joined
        .withColumn(f.name(), when(ColumnNames.column(f.frequency()).isNotNull(), coalesce(ColumnNames.column(f.name()), lit(0.0))))
        .drop(key);
  }

  /** Target means per value (frame of value, number) and the overall mean they shrink to. */
  private record TargetMeans(Dataset<Row> means, double prior) {}

  private static TargetMeans targetMeans(Dataset<Row> rows, FeatureConfig f, Column fitWindow, Column label) {
    String key = Encodings.VALUE;
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
        .agg(sum("__y").plus(lit(m * prior)).divide(count(lit(1)).plus(lit(m))).as(Encodings.NUMBER));
    return new TargetMeans(means, prior);
  }

  private static Dataset<Row> withTargetMean(Dataset<Row> rows, FeatureConfig f, Dataset<Row> learnt, double prior,
      boolean markUnseen) {
    String key = "__value_" + f.name();
    Dataset<Row> means = learnt.select(col(Encodings.VALUE).as(key), col(Encodings.NUMBER).as(f.name()));
    Dataset<Row> joined = rows.join(broadcast(means), rows.col(ColumnNames.quoted(f.targetMean())).cast("string").equalTo(means.col(key)), "left");
    if (markUnseen) {
      joined = joined.withColumn(unseenColumn(f), when(ColumnNames.column(f.targetMean()).isNotNull()
          .and(col(key).isNull()), 1).otherwise(0));
    }
    return joined
        .withColumn(f.name(), coalesce(ColumnNames.column(f.name()), lit(prior)))
        .drop(key);
  }
}
