package dev.lakeforge.core.config;

import java.util.List;

/**
 * Rules for one entity: rows of {@code source} that pass every error rule go to {@code silver.<entity>}, the
 * others to {@code quarantine.<entity>}.
 *
 * @param source                 the bronze source name (as in {@code sources})
 * @param rules                  row rules, evaluated together in one pass
 * @param maxQuarantineFraction  the stage fails with exit 3 when more than this share of rows is quarantined
 */
public record ValidationConfig(String source, List<RuleConfig> rules, Double maxQuarantineFraction) {
  public ValidationConfig {
    Require.present(source, "source");
    rules = List.copyOf(Require.notEmpty(rules, "rules"));
    maxQuarantineFraction = Require.orDefault(maxQuarantineFraction, 0.05);
    if (maxQuarantineFraction < 0 || maxQuarantineFraction > 1) {
      throw new IllegalArgumentException("key 'max_quarantine_fraction' must be between 0 and 1");
    }
  }
}
