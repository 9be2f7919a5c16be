package dev.lakeforge.core.table;

import java.util.Map;
import java.util.TreeMap;

/**
 * One write to a lake table, as data: which table, whether it appends or replaces (the whole table, or one
 * {@link Slice} of it), what it may do to the schema, how a new table is partitioned, and the stage's own facts for
 * the commit. {@link Lake#write} carries it out and stamps the commit; callers never build commit metadata.
 *
 * <p>Start from {@link #replaceRunDate}, {@link #overwrite}, {@link #append}, {@link #replace} or
 * {@link #replacePartition}, then narrow with {@link #schema} and {@link #facts}; every step returns a new value.
 *
 * @param slice           the rows replaced (Delta's {@code replaceWhere}); null for append and whole-table overwrite
 * @param partitionColumns the columns a write that creates (or, with {@link SchemaPolicy#REPLACE}, overwrites) the
 *                         table partitions it by; empty for none
 * @param facts           stage-specific commit facts (e.g. {@code definition_hash}, {@code inputs}), sorted by key
 */
public record TableWrite(TableRef table, Mode mode, Slice slice, SchemaPolicy schemaPolicy,
    java.util.List<String> partitionColumns, Map<String, String> facts) {

  /** Delta's save modes as Lakeforge uses them: every overwrite is of the whole table or of one slice. */
  public enum Mode { APPEND, OVERWRITE }

  public TableWrite {
    if (slice != null && mode != Mode.OVERWRITE) {
      throw new IllegalArgumentException("Cannot append to a slice of " + table + ": only an overwrite replaces one");
    }
    partitionColumns = java.util.List.copyOf(partitionColumns);
    facts = java.util.Collections.unmodifiableMap(new TreeMap<>(facts));
  }

  /** Replaces the whole table; its schema may change (older versions stay readable by time travel). */
  public static TableWrite overwrite(TableRef table) {
    return new TableWrite(table, Mode.OVERWRITE, null, SchemaPolicy.REPLACE, java.util.List.of(), Map.of());
  }

  /** Adds rows; the schema must stay as it is unless {@link #schema} allows more. */
  public static TableWrite append(TableRef table) {
    return new TableWrite(table, Mode.APPEND, null, SchemaPolicy.FAIL, java.util.List.of(), Map.of());
  }

  /** Replaces exactly the rows in {@code slice} (e.g. one run date's), atomically; the schema must stay. */
  public static TableWrite replace(TableRef table, Slice slice) {
    return new TableWrite(table, Mode.OVERWRITE, slice, SchemaPolicy.FAIL, java.util.List.of(), Map.of());
  }

  /**
   * Replaces {@code table}'s rows for run date {@code date} (its {@link RunDate#columnOf run date column}), atomically:
   * how a rerun of a day replaces that day's rows and no others.
   */
  public static TableWrite replaceRunDate(TableRef table, java.time.LocalDate date) {
    return replace(table, RunDate.slice(table, date));
  }

  /**
   * Replaces the partition {@code column = value} atomically; the write that creates the table partitions it by
   * {@code column}.
   */
  public static TableWrite replacePartition(TableRef table, String column, Object value) {
    return new TableWrite(table, Mode.OVERWRITE, Slice.where(column, value), SchemaPolicy.FAIL,
        java.util.List.of(column), Map.of());
  }

  /** This write with what it may do to an existing table's schema. */
  public TableWrite schema(SchemaPolicy policy) {
    return new TableWrite(table, mode, slice, policy, partitionColumns, facts);
  }

  /** This write with {@code more} facts for its commit (added to those it has). */
  public TableWrite facts(Map<String, String> more) {
    Map<String, String> all = new TreeMap<>(facts);
    all.putAll(more);
    return new TableWrite(table, mode, slice, schemaPolicy, partitionColumns, all);
  }

  /** This write, partitioning the table it creates or replaces by {@code columns} (Delta keeps them after). */
  public TableWrite partitionedBy(java.util.List<String> columns) {
    return new TableWrite(table, mode, slice, schemaPolicy, columns, facts);
  }
}
