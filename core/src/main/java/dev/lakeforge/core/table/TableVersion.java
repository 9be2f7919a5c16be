package dev.lakeforge.core.table;

/** A table at the exact Delta version a stage read or wrote. */
public record TableVersion(String table, long version) {
  @Override
  public String toString() {
    return table + "@v" + version;
  }
}
