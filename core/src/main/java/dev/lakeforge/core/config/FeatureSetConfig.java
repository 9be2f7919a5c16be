package dev.lakeforge.core.config;

import java.util.List;

/**
 * A feature set computed into {@code features.<name>}.
 *
 * @param name      table name under the features layer
 * @param source    input table reference, optionally pinned (e.g. {@code silver.flights@v3})
 * @param eventTime the event timestamp column, kept in the output for time splits and scoring by day
 * @param keys      columns passed through unchanged to identify rows in outputs
 * @param label     Spark SQL expression for the label; rows where it is null keep a null label
 * @param features  the features, in model input order
 */
public record FeatureSetConfig(String name, String source, String eventTime, List<String> keys, String label,
    List<FeatureConfig> features) {
  public FeatureSetConfig {
    Require.present(name, "name");
    Require.present(source, "source");
    Require.present(eventTime, "event_time");
    keys = List.copyOf(Require.orDefault(keys, List.of()));
    Require.present(label, "label");
    features = List.copyOf(Require.notEmpty(features, "features"));
    long distinct = features.stream().map(FeatureConfig::name).distinct().count();
    if (distinct != features.size()) {
      throw new IllegalArgumentException("feature names must be unique");
    }
  }
}
