package dev.lakeforge.features;

import dev.lakeforge.core.config.FeatureConfig;
import dev.lakeforge.core.config.FeatureSetConfig;
import java.util.List;

/** The layout of a feature table, shared by the stages that read it (train, evaluate, score). */
public final class FeatureTable {
  public static final String LABEL = "label";
  public static final String LAYER = "features";

  private FeatureTable() {}

  /** Feature columns in model input order. */
  public static List<String> featureColumns(FeatureSetConfig set) {
    return set.features().stream().map(FeatureConfig::name).toList();
  }
}
