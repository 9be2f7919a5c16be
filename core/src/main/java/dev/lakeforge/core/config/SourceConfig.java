package dev.lakeforge.core.config;

import java.util.Map;
import java.util.Set;

/**
 * A raw input that {@code ingest} loads into {@code bronze.<name>}.
 *
 * @param format       parquet, csv, json (JSON lines) or jdbc
 * @param path         file, directory or glob, any Hadoop path (s3a:// too); not used by jdbc
 * @param options      Spark reader options (header, delimiter, dateFormat, timestampFormat, ...)
 * @param schema       DDL schema; required for csv and json so types never depend on inference
 * @param load         full: each run replaces the table (history stays in Delta versions);
 *                     incremental: each run replaces only its run date's rows
 * @param jdbc         the database query of a jdbc source
 * @param schemaPolicy fail (default): a bronze schema that differs from the table's stops the run;
 *                     add_columns: new columns are added, dropped or retyped ones still stop it
 */
public record SourceConfig(String format, String path, Map<String, String> options, String schema, String load,
    JdbcSourceConfig jdbc, String schemaPolicy) {
  public static final Set<String> FORMATS = Set.of("parquet", "csv", "json", "jdbc");
  public static final Set<String> LOADS = Set.of("full", "incremental");

  public SourceConfig {
    Require.oneOf(Require.present(format, "format"), "format", FORMATS);
    options = Map.copyOf(Require.orDefault(options, Map.of()));
    load = Require.oneOf(Require.orDefault(load, "full"), "load", LOADS);
    schemaPolicy = Require.oneOf(Require.orDefault(schemaPolicy, "fail"), "schema_policy",
        ValidationConfig.SCHEMA_POLICIES);
    if (format.equals("jdbc")) {
      Require.present(jdbc, "jdbc");
      if (jdbc.watermark() != null && !load.equals("incremental")) {
        throw new IllegalArgumentException("a jdbc 'watermark' needs load: incremental, since each run adds only "
            + "the rows above the last watermark");
      }
    } else {
      Require.present(path, "path");
      if (jdbc != null) {
        throw new IllegalArgumentException("key 'jdbc' is only for sources of format jdbc");
      }
    }
    if ((format.equals("csv") || format.equals("json")) && schema == null) {
      throw new IllegalArgumentException("key 'schema' is required for " + format
          + " sources (a DDL string such as \"id INT, name STRING\"), so types never depend on inference");
    }
  }

  public boolean incremental() {
    return load.equals("incremental");
  }

  /** Where the rows come from, for messages and the bronze {@code _source} column. */
  public String location() {
    return format.equals("jdbc") ? jdbc.describe() : path;
  }
}
