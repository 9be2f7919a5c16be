package dev.lakeforge.core.config;

import java.util.Set;

/**
 * Batch scoring of one day of the feature table with a registered model.
 *
 * @param day          the day to score (yyyy-MM-dd); defaults to the run date
 * @param output       export directory; each run writes {@code <output>/day=<day>}
 * @param alias        registry alias to score with; defaults to the registry alias
 * @param exportFormat parquet (default), csv, or none (the predictions table only)
 * @param shadowAlias  a second alias (e.g. challenger) scored on the same rows and compared, not exported
 * @param input        the table to score, any pin (e.g. training_sets.flights_delay@v7); default: the training set
 *                     at its latest version. It must hold the model's features.
 * @param where        a Spark SQL predicate choosing the rows; default: the rows of {@code day}
 */
public record ScoringConfig(String day, String output, String alias, String exportFormat, String shadowAlias,
    String input, String where) {
  public ScoringConfig {
    Require.present(output, "output");
    exportFormat = Require.oneOf(Require.orDefault(exportFormat, "parquet"), "export_format",
        Set.of("parquet", "csv", "none"));
  }
}
