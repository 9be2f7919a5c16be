package dev.lakeforge.core.config;

/**
 * Batch scoring of one day of the feature table with the model the alias points at.
 *
 * @param day    the day to score (yyyy-MM-dd); defaults to the run date
 * @param output export directory; each run writes {@code <output>/day=<day>} as Parquet
 * @param alias  registry alias to score with; defaults to the registry alias
 */
public record ScoringConfig(String day, String output, String alias) {
  public ScoringConfig {
    Require.present(output, "output");
  }
}
