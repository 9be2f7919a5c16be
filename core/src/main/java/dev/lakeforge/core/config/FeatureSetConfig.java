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
 * @param ttl       how long a row stays valid for point-in-time lookups (e.g. 2d): a row exactly ttl older than the
 *                  looked-up time still matches. Absent or zero ({@code 0s}, {@code 0d}) means no limit, as in Feast,
 *                  where a zero ttl is "no limit"; a literal zero would only ever match rows of the same instant
 * @param createdTimestamp optional column saying when each row was written (Feast's {@code created_timestamp});
 *                  of rows with the same entity and event time, the one created last is the set's row (a late
 *                  correction wins), while a later event time still beats a later creation time. Without it two
 *                  rows for one entity and time are refused. Only for sets without aggregate features, whose events
 *                  at one instant are all counted
 * @param fitUntil  encodings (one_hot, frequency) are fit on rows before this time; default: the training split's
 *                  validate_from
 * @param joins     dimension tables joined onto the rows before row features are computed
 * @param features  the features, in output order
 */
public record FeatureSetConfig(String source, List<String> entity, String eventTime, String ttl,
    String createdTimestamp, String fitUntil, List<DimensionJoinConfig> joins, List<FeatureConfig> features) {
  public FeatureSetConfig {
    Require.present(source, "source");
    entity = List.copyOf(Require.notEmpty(entity, "entity"));
    Require.present(eventTime, "event_time");
    if (ttl != null) {
      Durations.parse(ttl, "ttl");
    }
    if (createdTimestamp != null && createdTimestamp.isBlank()) {
      throw new IllegalArgumentException("key 'created_timestamp' is blank; name a column or leave it out");
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
    if (createdTimestamp != null
        && features.stream().anyMatch(f -> f.kind() == FeatureConfig.Kind.AGGREGATE)) {
      throw new IllegalArgumentException("key 'created_timestamp' applies to sets without aggregate features (an "
          + "aggregating set counts every event at one instant, so there is no row to prefer); remove it, or "
          + "deduplicate the source in its validation with deduplicate: {keys: [...], order_by: ["
          + createdTimestamp + " desc]}");
    }
  }

  /** The ttl as a limit on a row's age: empty when there is none (ttl absent or zero). */
  public java.util.Optional<java.time.Duration> ttlLimit() {
    if (ttl == null) {
      return java.util.Optional.empty();
    }
    java.time.Duration d = Durations.parse(ttl, "ttl");
    return d.isZero() ? java.util.Optional.empty() : java.util.Optional.of(d);
  }

  public boolean aggregating() {
    return features.stream().anyMatch(f -> f.kind() == FeatureConfig.Kind.AGGREGATE);
  }
}
