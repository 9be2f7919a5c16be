package dev.lakeforge.core.table;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Rows read from a table together with the version they came from. */
public record VersionedFrame(Dataset<Row> rows, TableVersion version) {}
