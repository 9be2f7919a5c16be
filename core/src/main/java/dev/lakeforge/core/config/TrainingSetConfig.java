package dev.lakeforge.core.config;

import java.util.List;

/**
 * A point-in-time correct training set, written to {@code training_sets.<name>}: the spine's keys, event time
 * and label, the spine's own row features, and for each feature set its latest row at or before the spine row's
 * time (and within the set's ttl).
 *
 * @param spine       the labelled rows
 * @param joins       dimension tables joined onto the spine before its row features
 * @param features    row features computed on the spine (any kind except aggregate)
 * @param featureSets feature sets looked up point-in-time on their entity columns, which the spine must have
 * @param fitUntil    encodings (one_hot, frequency, target_mean) are fit on spine rows before this time;
 *                    default: the training split's validate_from, so validation rows never shape them
 */
public record TrainingSetConfig(SpineConfig spine, List<DimensionJoinConfig> joins, List<FeatureConfig> features,
    List<String> featureSets, String fitUntil) {
  public TrainingSetConfig {
    Require.present(spine, "spine");
    joins = List.copyOf(Require.orDefault(joins, List.of()));
    features = List.copyOf(Require.orDefault(features, List.of()));
    featureSets = List.copyOf(Require.orDefault(featureSets, List.of()));
    if (features.isEmpty() && featureSets.isEmpty()) {
      throw new IllegalArgumentException("a training set needs 'features' or 'feature_sets'");
    }
    FeatureNames.requireUnique(features);
    for (FeatureConfig f : features) {
      if (f.kind() == FeatureConfig.Kind.AGGREGATE) {
        throw new IllegalArgumentException("feature '" + f.name() + "': aggregates over an entity's history belong "
            + "in a feature set (feature_sets), which the training set then looks up point-in-time");
      }
    }
  }
}
