package dev.lakeforge.features;

import static org.apache.spark.sql.functions.col;

import dev.lakeforge.core.config.FeatureConfig;
import dev.lakeforge.core.config.PipelineConfig;
import dev.lakeforge.core.config.TrainingSetConfig;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.VersionedFrame;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;

/**
 * How each model feature of a training set is computed from a raw row, with the fitted state it needs, for scorers
 * that run without Spark (the {@code scorer} module reads it as {@code row-features.json} beside the model).
 * Written when the model is trained, so it is frozen with the model: never refit on scoring data.
 *
 * <p>Shape: {@code {"format": 1, "training_set": NAME, "time_zone": ZONE, "features": {FEATURE: {"kind": KIND,
 * ...}}}}; kinds a plain-Java scorer can compute exactly as {@link RowFeatures} does:
 * <ul>
 *   <li>{@code column}: an {@code expr} that is a bare column name: the column cast to double;</li>
 *   <li>{@code time_part}: {@code part} (hour ... month) of timestamp column {@code column}, in {@code time_zone}
 *       (Spark's session time zone, which Spark's hour/month/... use);</li>
 *   <li>{@code index}: {@code vocabulary} (the column's value cast to string → index) of
 *       {@code vocabulary_table}, the version the training set version was built with; a value not in it is
 *       unknown (missing).</li>
 *   <li>{@code one_hot}: 1 when {@code column} cast to string equals {@code value}, else 0 (null included);</li>
 *   <li>{@code frequency}: {@code values} (value → its share of the fit window's rows); a value not in it is 0, a
 *       null input is missing;</li>
 *   <li>{@code target_mean}: {@code values} (value → smoothed label mean); a value not in it, or a null input, is
 *       {@code prior}.</li>
 * </ul>
 * The last three come from {@code encodings_table}, the encodings version the model's training set version was
 * built with (as scoring reads them), never from a later fit. Kinds it cannot compute, each with the
 * {@code reason}: {@code expr} (any other Spark SQL), {@code feature_set} (a feature set's history, looked up point
 * in time), {@code holiday} (a calendar table).
 */
public final class RowFeatureRecipe {
  public static final String FILE = "row-features.json";
  /** Why an encoding is left to Spark when the training set version records no encodings to read it from. */
  private static final String NOT_RECORDED = "the model's training set version records no encodings (it was built "
      + "before they were stored): rebuild the training set and retrain";

  private RowFeatureRecipe() {}

  /**
   * The recipe of {@code modelFeatures} (training-set columns, in model order) of training set {@code name} at
   * {@code trainingSet}, the version the model was trained on. Reads the index vocabulary table when an index
   * feature is among them, and the encodings that version records when a one_hot, frequency or target_mean is.
   */
  public static Map<String, Object> of(SparkSession spark, Lake lake, PipelineConfig config, String name,
      dev.lakeforge.core.table.TableVersion trainingSet, List<String> modelFeatures) {
    TrainingSetConfig set = config.trainingSets().get(name);
    Map<String, Object> features = new LinkedHashMap<>();
    Map<String, FeatureConfig> rowFeatures = new LinkedHashMap<>();
    set.features().forEach(f -> rowFeatures.put(f.name(), f));
    Map<String, Map<String, Long>> vocabularies = new LinkedHashMap<>();
    String vocabularyVersion = null;
    boolean indexed = modelFeatures.stream().map(rowFeatures::get)
        .anyMatch(f -> f != null && f.kind() == FeatureConfig.Kind.INDEX);
    Encoded encoded = Encoded.of(lake, set, name, trainingSet, modelFeatures, rowFeatures);
    // The vocabulary version the training set version was built with (it grows with later builds); the latest
    // only for a training set built before encodings were recorded.
    TableRef vocabularyRef = encoded.encodings().vocabulary().map(v -> TableRef.parse(v.toString()))
        .orElse(TableRef.of(FeatureTable.TRAINING_SETS, name + "_vocab"));
    if (indexed && lake.exists(TableRef.of(FeatureTable.TRAINING_SETS, name + "_vocab"))) {
      VersionedFrame vocabulary = lake.read(vocabularyRef);
      vocabularyVersion = vocabulary.version().toString();
      for (Row r : vocabulary.rows().select(col("column"), col("value"), col("index")).collectAsList()) {
        vocabularies.computeIfAbsent(r.getString(0), c -> new LinkedHashMap<>()).put(r.getString(1), r.getLong(2));
      }
    }
    for (String feature : modelFeatures) {
      FeatureConfig f = rowFeatures.get(feature);
      Map<String, Object> recipe = new LinkedHashMap<>();
      if (f == null) {
        Map.Entry<FeatureConfig, String> oneHot = encoded.oneHotColumns().get(feature);
        Optional<FeatureConfig> unrecorded = set.features().stream()
            .filter(o -> o.kind() == FeatureConfig.Kind.ONE_HOT && feature.startsWith(o.name() + "_")).findFirst();
        if (oneHot != null) {
          recipe.put("kind", "one_hot");
          recipe.put("column", oneHot.getKey().oneHot());
          recipe.put("value", oneHot.getValue());
          recipe.put("encodings_table", encoded.version());
        } else if (unrecorded.isPresent() && encoded.version() == null) {
          recipe.put("kind", "one_hot");
          recipe.put("reason", NOT_RECORDED);
        } else {
          recipe.put("kind", "feature_set");
          recipe.put("feature_sets", set.featureSets());
          recipe.put("reason", "it comes from the history of feature set(s) " + String.join(", ", set.featureSets())
              + ", looked up point in time");
        }
      } else {
        switch (f.kind()) {
          case EXPR -> {
            String column = bareColumn(f.expr());
            if (column != null) {
              recipe.put("kind", "column");
              recipe.put("column", column);
            } else {
              recipe.put("kind", "expr");
              recipe.put("expr", f.expr());
              recipe.put("reason", "it is a Spark SQL expression (" + f.expr() + ")");
            }
          }
          case TIME_PART -> {
            if ("holiday".equals(f.timePart())) {
              recipe.put("kind", "holiday");
              recipe.put("reason", "it needs the calendar table " + f.calendar());
            } else {
              recipe.put("kind", "time_part");
              recipe.put("part", f.timePart());
              recipe.put("column", set.spine().eventTime());
            }
          }
          case INDEX -> {
            recipe.put("kind", "index");
            recipe.put("column", f.index());
            recipe.put("vocabulary_table", vocabularyVersion);
            recipe.put("vocabulary", vocabularies.getOrDefault(f.index(), Map.of()));
          }
          case FREQUENCY, TARGET_MEAN -> {
            boolean frequency = f.kind() == FeatureConfig.Kind.FREQUENCY;
            recipe.put("kind", frequency ? "frequency" : "target_mean");
            if (!encoded.learnt().containsKey(f.name())
                || (!frequency && !encoded.encodings().priors().containsKey(f.name()))) {
              recipe.put("reason", NOT_RECORDED);
            } else {
              recipe.put("column", f.categoricalColumn());
              recipe.put("encodings_table", encoded.version());
              if (!frequency) {
                recipe.put("prior", encoded.encodings().priors().get(f.name()));
              }
              recipe.put("values", encoded.learnt().get(f.name()));
            }
          }
          default -> {
            recipe.put("kind", f.kind().name().toLowerCase(java.util.Locale.ROOT));
            recipe.put("reason", "it is computed by Spark only");
          }
        }
      }
      features.put(feature, recipe);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("format", 1);
    out.put("training_set", name);
    out.put("time_zone", spark.conf().get("spark.sql.session.timeZone"));
    out.put("features", features);
    return out;
  }

  /**
   * The fitted encodings a training set version was built with, as far as the model's features need them: one_hot
   * column → (its feature, the value it stands for), and each frequency or target_mean feature's value → number.
   */
  private record Encoded(String version, RowFeatures.Encodings encodings,
      Map<String, Map.Entry<FeatureConfig, String>> oneHotColumns, Map<String, Map<String, Double>> learnt) {
    static Encoded of(Lake lake, TrainingSetConfig set, String name, dev.lakeforge.core.table.TableVersion trainingSet,
        List<String> modelFeatures, Map<String, FeatureConfig> rowFeatures) {
      boolean needed = set.features().stream().anyMatch(f -> f.categoricalColumn() != null);
      String stored = !needed || trainingSet == null ? ""
          : FeatureTable.commitMetadata(lake, trainingSet).path(FeatureTable.ENCODINGS).asText("");
      if (stored.isEmpty()) {
        return new Encoded(null, new RowFeatures.Encodings(Optional.empty(), Map.of(), Map.of(), Map.of()), Map.of(),
            Map.of());
      }
      TableRef ref = TableRef.parse(stored);
      RowFeatures.Encodings encodings = RowFeatures.Encodings.read(lake,
          new dev.lakeforge.core.table.TableVersion(ref.table(), ref.version()));
      Map<String, Map.Entry<FeatureConfig, String>> columns = new LinkedHashMap<>();
      for (FeatureConfig f : set.features()) {
        if (f.kind() == FeatureConfig.Kind.ONE_HOT && encodings.oneHotValues().containsKey(f.name())) {
          List<String> values = encodings.oneHotValues().get(f.name());
          List<String> names = RowFeatures.oneHotColumns(f.name(), values);
          for (int i = 0; i < values.size(); i++) {
            columns.put(names.get(i), Map.entry(f, values.get(i)));
          }
        }
      }
      Map<String, Map<String, Double>> learnt = new LinkedHashMap<>();
      for (String feature : modelFeatures) {
        FeatureConfig f = rowFeatures.get(feature);
        if (f != null && encodings.learntValues().containsKey(feature)) {
          Map<String, Double> values = new java.util.TreeMap<>();
          encodings.learntValues().get(feature).collectAsList().forEach(r -> values.put(r.getString(0), r.getDouble(1)));
          learnt.put(feature, values);
        }
      }
      return new Encoded(stored, encodings, columns, learnt);
    }
  }

  /** The column an expression names when it is nothing but a column name (Spark's own parser decides); else null. */
  static String bareColumn(String sql) {
    // A parse error was already reported when the training set was built: then it is no bare column either.
    return dev.lakeforge.core.spark.SqlExpressions.parse(sql)
        .filter(e -> e instanceof UnresolvedAttribute a && a.nameParts().size() == 1)
        .map(e -> ((UnresolvedAttribute) e).nameParts().head())
        .orElse(null);
  }
}
