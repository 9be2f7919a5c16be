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
 * @param input        what to score. A {@code training_sets.<name>} table, any pin (e.g.
 *                     training_sets.flights_delay@v7), holds the model's features already; default: the training set
 *                     at its latest version. Anything else is <em>new rows</em> without labels: a {@code sources}
 *                     entry (read as ingest reads it) or a lake table {@code layer.name[@pin]}; their features are
 *                     built by the code that built the model's training set version, with its stored encodings.
 * @param where        a Spark SQL predicate choosing the rows; default: the rows of {@code day} (new rows: all rows)
 * @param validation   the quality suite of new rows; failing rows go to {@code quarantine.<input>}
 */
public record ScoringConfig(String day, String output, String alias, String exportFormat, String shadowAlias,
    String input, String where, ScoringValidationConfig validation) {
  public ScoringConfig {
    validation = Require.orDefault(validation, ScoringValidationConfig.DEFAULT);
    Require.present(output, "output");
    exportFormat = Require.oneOf(Require.orDefault(exportFormat, "parquet"), "export_format",
        Set.of("parquet", "csv", "none"));
  }
}
