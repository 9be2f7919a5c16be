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
 *       {@code vocabulary_table} as read at training time; a value not in it is unknown (missing).</li>
 * </ul>
 * and kinds it cannot, each with the {@code reason}: {@code expr} (any other Spark SQL), {@code feature_set}
 * (a feature set's history, looked up point in time), {@code one_hot}, {@code frequency}, {@code target_mean}
 * (their fitted state is not recorded here), {@code holiday} (a calendar table).
 */
public final class RowFeatureRecipe {
  public static final String FILE = "row-features.json";

  private RowFeatureRecipe() {}

  /**
   * The recipe of {@code modelFeatures} (training-set columns, in model order) of training set {@code name}.
   * Reads the index vocabulary table when an index feature is among them.
   */
  public static Map<String, Object> of(SparkSession spark, Lake lake, PipelineConfig config, String name,
      List<String> modelFeatures) {
    TrainingSetConfig set = config.trainingSets().get(name);
    Map<String, Object> features = new LinkedHashMap<>();
    Map<String, FeatureConfig> rowFeatures = new LinkedHashMap<>();
    set.features().forEach(f -> rowFeatures.put(f.name(), f));
    Map<String, Map<String, Long>> vocabularies = new LinkedHashMap<>();
    String vocabularyVersion = null;
    boolean indexed = modelFeatures.stream().map(rowFeatures::get)
        .anyMatch(f -> f != null && f.kind() == FeatureConfig.Kind.INDEX);
    TableRef vocabularyRef = TableRef.of(FeatureTable.TRAINING_SETS, name + "_vocab");
    if (indexed && lake.exists(vocabularyRef)) {
      VersionedFrame vocabulary = lake.read(vocabularyRef, "train");
      vocabularyVersion = vocabulary.version().toString();
      for (Row r : vocabulary.rows().select(col("column"), col("value"), col("index")).collectAsList()) {
        vocabularies.computeIfAbsent(r.getString(0), c -> new LinkedHashMap<>()).put(r.getString(1), r.getLong(2));
      }
    }
    for (String feature : modelFeatures) {
      FeatureConfig f = rowFeatures.get(feature);
      Map<String, Object> recipe = new LinkedHashMap<>();
      if (f == null) {
        Optional<FeatureConfig> oneHot = set.features().stream()
            .filter(o -> o.kind() == FeatureConfig.Kind.ONE_HOT && feature.startsWith(o.name() + "_")).findFirst();
        if (oneHot.isPresent()) {
          recipe.put("kind", "one_hot");
          recipe.put("reason", "its values (learnt from the fit window) are not recorded for the Spark-free scorer");
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
          default -> {
            recipe.put("kind", f.kind().name().toLowerCase(java.util.Locale.ROOT));
            recipe.put("reason", "its fitted state (learnt from the fit window) is not recorded for the Spark-free "
                + "scorer");
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

  /** The column an expression names when it is nothing but a column name (Spark's own parser decides); else null. */
  static String bareColumn(String sql) {
    // A parse error was already reported when the training set was built: then it is no bare column either.
    return dev.lakeforge.core.spark.SqlExpressions.parse(sql)
        .filter(e -> e instanceof UnresolvedAttribute a && a.nameParts().size() == 1)
        .map(e -> ((UnresolvedAttribute) e).nameParts().head())
        .orElse(null);
  }
}
