package dev.lakeforge.core.config;

import java.util.List;
import java.util.Set;

/**
 * The quality suite of one entity: rows of {@code source} that pass every error rule go to
 * {@code silver.<entity>}, the others to {@code quarantine.<entity>}.
 *
 * @param source                the bronze source name (as in {@code sources})
 * @param deduplicate           key columns and the order that picks the row kept among rows sharing a key (see
 *                              {@link DeduplicateConfig}); the others are counted as duplicates removed; null when
 *                              the suite removes no duplicates
 * @param rules                 row and dataset rules, evaluated together in one aggregation
 * @param anomalies             checks of this run's metrics against earlier runs in {@code quality.metrics}
 * @param maxQuarantineFraction the stage fails with exit 3 when more than this share of rows is quarantined
 * @param schemaPolicy          what a change of the silver table's schema does: fail (default) or add_columns
 *                              (new columns are added; dropped or retyped columns still fail)
 * @param metrics               which column metrics ({@code column.<column>.<statistic>}) are computed and kept in
 *                              {@code quality.metrics}: {@code used} (default), those the anomaly checks read;
 *                              {@code all}, every statistic of every column (a wider aggregation, about twice the
 *                              time of the rules alone on the validation benchmark)
 */
public record ValidationConfig(String source, DeduplicateConfig deduplicate, List<RuleConfig> rules,
    List<AnomalyConfig> anomalies, Double maxQuarantineFraction, String schemaPolicy, String metrics) {
  public static final Set<String> SCHEMA_POLICIES = Set.of("fail", "add_columns");
  public static final Set<String> METRICS = Set.of("used", "all");

  public ValidationConfig {
    Require.present(source, "source");
    rules = List.copyOf(Require.notEmpty(rules, "rules"));
    anomalies = List.copyOf(Require.orDefault(anomalies, List.of()));
    maxQuarantineFraction = Require.orDefault(maxQuarantineFraction, 0.05);
    if (maxQuarantineFraction < 0 || maxQuarantineFraction > 1) {
      throw new IllegalArgumentException("key 'max_quarantine_fraction' must be between 0 and 1");
    }
    schemaPolicy = Require.oneOf(Require.orDefault(schemaPolicy, "fail"), "schema_policy", SCHEMA_POLICIES);
    metrics = Require.oneOf(Require.orDefault(metrics, "used"), "metrics", METRICS);
    Set<String> names = new java.util.HashSet<>();
    for (RuleConfig r : rules) {
      if (!names.add(r.name())) {
        throw new IllegalArgumentException("rule name '" + r.name() + "' is used twice; names must be unique");
      }
    }
  }

  /** This suite with {@code metrics} set to {@code all} or {@code used}. */
  public ValidationConfig withMetrics(String metrics) {
    return new ValidationConfig(source, deduplicate, rules, anomalies, maxQuarantineFraction, schemaPolicy, metrics);
  }

  /** The key columns of {@code deduplicate}, empty when the suite removes no duplicates. */
  public List<String> deduplicateKeys() {
    return deduplicate == null ? List.of() : deduplicate.keys();
  }
}
