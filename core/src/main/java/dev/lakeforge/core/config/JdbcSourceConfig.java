package dev.lakeforge.core.config;

/**
 * A table or query read over JDBC, in parallel and optionally incrementally.
 *
 * @param url             JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/shop (no credentials in it)
 * @param table           the table to read (or give {@code query})
 * @param query           a SELECT to read instead of a table
 * @param user            user name
 * @param password        password; write ${env:NAME} so it never sits in the file; redacted everywhere
 * @param partitionColumn a numeric, date or timestamp column Spark splits the read on
 * @param lowerBound      lowest value of partitionColumn used to size the partitions (rows outside still load)
 * @param upperBound      highest value of partitionColumn used to size the partitions
 * @param partitions      number of parallel reads (default 1)
 * @param watermark       a column that only grows (an updated_at or id); an incremental load reads only rows
 *                        above the highest value loaded for earlier run dates
 * @param fetchSize       rows per round trip (default 10000)
 */
public record JdbcSourceConfig(String url, String table, String query, String user, String password,
    String partitionColumn, String lowerBound, String upperBound, Integer partitions, String watermark,
    Integer fetchSize) {

  public JdbcSourceConfig {
    Require.present(url, "url");
    if (!url.startsWith("jdbc:")) {
      throw new IllegalArgumentException("key 'url' must start with jdbc:, e.g. jdbc:postgresql://host:5432/db");
    }
    if ((table == null) == (query == null)) {
      throw new IllegalArgumentException("give exactly one of keys 'table' and 'query'");
    }
    if (table != null && !table.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
      throw new IllegalArgumentException("key 'table' must be a plain [schema.]table name; use 'query' for SQL");
    }
    partitions = Require.orDefault(partitions, 1);
    fetchSize = Require.orDefault(fetchSize, 10_000);
    if (partitions < 1) {
      throw new IllegalArgumentException("key 'partitions' must be at least 1");
    }
    if (partitionColumn != null && (lowerBound == null || upperBound == null)) {
      throw new IllegalArgumentException("key 'partition_column' needs 'lower_bound' and 'upper_bound'");
    }
    if (partitions > 1 && partitionColumn == null) {
      throw new IllegalArgumentException("key 'partitions' above 1 needs 'partition_column'");
    }
    if (watermark != null && !watermark.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("key 'watermark' must be a column name");
    }
  }

  /** The source as shown in messages and in bronze's {@code _source} column: URL without parameters, and what. */
  public String describe() {
    String base = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
    return base + (table != null ? "#" + table : "#query");
  }
}
