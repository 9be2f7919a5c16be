package dev.lakeforge.core.config;

import java.util.List;

/**
 * A feature set computed into {@code features.<name>}: one row per entity and event time, the features describing
 * the entity as of that time. With {@code aggregate} features, rows are the distinct (entity, event time) pairs of
 * the source and each aggregate covers only events strictly before; without them every source row is one feature
 * row, and two rows with the same entity and time are an error.
 *
 * @param source    input table, any pin (e.g. {@code silver.flights@v3})
 * @param entity    the entity key columns (e.g. [origin])
 * @param eventTime the event timestamp column
 * @param ttl       how long a row stays valid for point-in-time lookups (e.g. 2d); default: forever
 * @param fitUntil  encodings (one_hot, frequency) are fit on rows before this time; default: the training split's
 *                  validate_from
 * @param joins     dimension tables joined onto the rows before row features are computed
 * @param features  the features, in output order
 */
public record FeatureSetConfig(String source, List<String> entity, String eventTime, String ttl, String fitUntil,
    List<DimensionJoinConfig> joins, List<FeatureConfig> features) {
  public FeatureSetConfig {
    Require.present(source, "source");
    entity = List.copyOf(Require.notEmpty(entity, "entity"));
    Require.present(eventTime, "event_time");
    if (ttl != null) {
      Durations.parse(ttl, "ttl");
    }
    joins = List.copyOf(Require.orDefault(joins, List.of()));
    features = List.copyOf(Require.notEmpty(features, "features"));
    FeatureNames.requireUnique(features);
    for (FeatureConfig f : features) {
      if (f.kind() == FeatureConfig.Kind.TARGET_MEAN) {
        throw new IllegalArgumentException("feature '" + f.name() + "': target_mean needs the label, so it belongs "
            + "in a training set's features, not in a feature set");
      }
    }
  }

  public boolean aggregating() {
    return features.stream().anyMatch(f -> f.kind() == FeatureConfig.Kind.AGGREGATE);
  }
}
