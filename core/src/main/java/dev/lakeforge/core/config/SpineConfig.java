package dev.lakeforge.core.config;

import java.util.List;

/**
 * The rows a training set has: one per spine row, with its label.
 *
 * @param source    the spine table, any pin (e.g. {@code silver.flights})
 * @param eventTime the time each row's features are looked up as of
 * @param keys      columns passed through to identify rows in outputs (e.g. [date, origin, destination])
 * @param label     Spark SQL expression for the label; a null label is kept (rows to score have none)
 * @param filter    optional Spark SQL predicate selecting the spine rows
 */
public record SpineConfig(String source, String eventTime, List<String> keys, String label, String filter) {
  public SpineConfig {
    Require.present(source, "source");
    Require.present(eventTime, "event_time");
    keys = List.copyOf(Require.orDefault(keys, List.of()));
    Require.present(label, "label");
  }
}
