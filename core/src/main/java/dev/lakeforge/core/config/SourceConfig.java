package dev.lakeforge.core.config;

import java.util.Map;
import java.util.Set;

/**
 * A raw input that {@code ingest} loads into {@code bronze.<name>}.
 *
 * @param format  parquet, csv or json (JSON lines)
 * @param path    file or directory, any Hadoop path
 * @param options Spark reader options (header, delimiter, dateFormat, ...)
 * @param schema  DDL schema; required for csv and json so types never depend on inference
 * @param load    full: each run replaces the table (history stays in Delta versions);
 *                incremental: each run replaces only its run date's rows
 */
public record SourceConfig(String format, String path, Map<String, String> options, String schema, String load) {
  public static final Set<String> FORMATS = Set.of("parquet", "csv", "json");
  public static final Set<String> LOADS = Set.of("full", "incremental");

  public SourceConfig {
    Require.oneOf(Require.present(format, "format"), "format", FORMATS);
    Require.present(path, "path");
    options = Map.copyOf(Require.orDefault(options, Map.of()));
    load = Require.oneOf(Require.orDefault(load, "full"), "load", LOADS);
    if (!format.equals("parquet") && schema == null) {
      throw new IllegalArgumentException("key 'schema' is required for " + format
          + " sources (a DDL string such as \"id INT, name STRING\"), so types never depend on inference");
    }
  }

  public boolean incremental() {
    return load.equals("incremental");
  }
}
