package dev.lakeforge.core.config;

import java.util.List;

/**
 * The quality suite of rows to score ({@code scoring.validation}): the same rule kinds as {@code validation}, judged
 * by the same engine, with the failing rows going to {@code quarantine.<input>}. Rules on the label have no place
 * here: rows to score have none. Scoring always adds not_null checks of the spine's keys and event time, and a cast
 * check of every column the features read.
 *
 * @param rules                 row and dataset rules (may be empty)
 * @param deduplicate           key columns and order of duplicate removal, as in {@code validation}; null: none
 * @param maxQuarantineFraction scoring stops with exit 3 (after writing the quarantine) when more than this share of
 *                              rows is quarantined; default 0.05
 */
public record ScoringValidationConfig(List<RuleConfig> rules, DeduplicateConfig deduplicate,
    Double maxQuarantineFraction) {
  public static final ScoringValidationConfig DEFAULT = new ScoringValidationConfig(null, null, null);

  public ScoringValidationConfig {
    rules = List.copyOf(Require.orDefault(rules, List.of()));
    maxQuarantineFraction = Require.orDefault(maxQuarantineFraction, 0.05);
    if (maxQuarantineFraction < 0 || maxQuarantineFraction > 1) {
      throw new IllegalArgumentException("key 'max_quarantine_fraction' must be between 0 and 1");
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    for (RuleConfig r : rules) {
      if (!names.add(r.name())) {
        throw new IllegalArgumentException("rule name '" + r.name() + "' is used twice; names must be unique");
      }
    }
  }
}
