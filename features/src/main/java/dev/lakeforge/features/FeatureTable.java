package dev.lakeforge.features;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.config.ConfigTrees;
import dev.lakeforge.core.config.SpineConfig;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.TableRef;
import java.util.Arrays;
import java.util.List;

/**
 * The layout of feature and training-set tables, shared by the stages that read them (train, evaluate, score,
 * drift). A training set holds the spine's keys, its event time, the features (doubles, null when unknown) and
 * {@link #LABEL}; everything that is not a key, the event time or the label is a feature, in table order.
 */
public final class FeatureTable {
  public static final String LABEL = "label";

  /**
   * The fit window of a feature or training set: rows before its {@code fit_until}, by default
   * {@code training.split.validate_from}; every row when neither is set (a random or group split). Encodings learn
   * from it and its statistics are the drift reference.
   */
  public record FitWindow(String eventTime, String until) {
    public static FitWindow of(dev.lakeforge.core.config.PipelineConfig config, String fitUntil, String eventTime) {
      return new FitWindow(eventTime, fitUntil != null ? fitUntil : config.training().split().validateFrom());
    }

    public org.apache.spark.sql.Column contains() {
      return until == null ? org.apache.spark.sql.functions.lit(true)
          : org.apache.spark.sql.functions.col(eventTime).lt(org.apache.spark.sql.functions.lit(until));
    }

    /** How the window reads in the statistics table. */
    public String describe() {
      return until == null ? "all rows" : eventTime + " < '" + until + "'";
    }
  }
  public static final String LAYER = "features";
  public static final String TRAINING_SETS = "training_sets";

  private FeatureTable() {}

  public static TableRef featureSet(String name) {
    return TableRef.of(LAYER, name);
  }

  public static TableRef trainingSet(String name) {
    return TableRef.of(TRAINING_SETS, name);
  }

  /** The commit metadata key naming the encodings table@version a training set version was built with. */
  public static final String ENCODINGS = "encodings";

  /** Where a training set's fitted encodings go, one version per build (named by the training set's commit). */
  public static TableRef encodings(String name) {
    return TableRef.of(TRAINING_SETS, name + "_encodings");
  }

  /** The Lakeforge facts (userMetadata) of one committed version; an empty object when it has none. */
  public static JsonNode commitMetadata(dev.lakeforge.core.table.Lake lake, dev.lakeforge.core.table.TableVersion v) {
    String metadata = lake.commit(v).userMetadata();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    try {
      return metadata == null ? json.createObjectNode() : json.readTree(metadata);
    } catch (java.io.IOException e) {
      return json.createObjectNode();
    }
  }

  /** Feature columns of a training-set table, in model input order. */
  public static List<String> featureColumns(String[] columns, SpineConfig spine) {
    return Arrays.stream(columns)
        .filter(c -> !spine.keys().contains(c) && !c.equals(spine.eventTime()) && !c.equals(LABEL))
        .toList();
  }

  /** SHA-256 of a definition as declared (canonical JSON), recorded with every version computed from it. */
  static String definitionHash(RunContext context, String section, String name) {
    JsonNode node = context.loaded().effective().path(section).path(name);
    return ConfigTrees.sha256(ConfigTrees.canonicalJson(node));
  }
}
