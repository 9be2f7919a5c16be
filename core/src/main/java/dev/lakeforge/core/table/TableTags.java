package dev.lakeforge.core.table;

import static org.apache.spark.sql.functions.col;

import dev.lakeforge.core.error.Errors;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Named versions of lake tables, kept in the Delta table {@code meta.tags} so that tagging never adds a commit to
 * the tagged table itself. Re-tagging a name moves it; the tag table's own history keeps where it pointed before.
 */
public final class TableTags {
  public static final TableRef TABLE = TableRef.of("meta", "tags");
  static final StructType SCHEMA = StructType.fromDDL(
      "table_name STRING, tag STRING, version BIGINT, tagged_at TIMESTAMP, note STRING");

  private final Lake lake;

  public TableTags(Lake lake) {
    this.lake = lake;
  }

  /** Records {@code tag} for {@code ref}'s resolved version and returns that version. */
  public TableVersion tag(TableRef ref, String tag, String note) {
    if (!tag.matches("[A-Za-z0-9_.-]+")) {
      throw Errors.usage("Cannot tag " + ref + " as '" + tag + "': tag names are letters, digits, '_', '.', '-'",
          "choose another name");
    }
    long version = lake.resolveVersion(ref);
    Row row = RowFactory.create(ref.table(), tag, version, new Timestamp(System.currentTimeMillis()), note);
    Dataset<Row> frame = lake.spark().createDataFrame(List.of(row), SCHEMA);
    Slice same = Slice.where("table_name", ref.table()).and("tag", tag);
    lake.write(frame, TableWrite.replace(TABLE, same).facts(Map.of("operation", "tag", "table", ref.table())));
    return new TableVersion(ref.table(), version);
  }

  public long version(TableRef ref) {
    List<Row> rows = lake.exists(TABLE) ? lake.read(TABLE).rows()
        .filter(col("table_name").equalTo(ref.table()).and(col("tag").equalTo(ref.tag())))
        .select("version").collectAsList() : List.of();
    if (rows.isEmpty()) {
      throw Errors.versionMissing(ref.toString(), "no tag '" + ref.tag() + "' was recorded for " + ref.table()
          + " (record one with `lakeforge tables tag " + ref.table() + "@vN " + ref.tag() + "`)");
    }
    return rows.get(0).getLong(0);
  }

  /** All tags of a table, as (tag, version). */
  public List<Row> list(String table) {
    return lake.exists(TABLE) ? lake.read(TABLE).rows().filter(col("table_name").equalTo(table))
        .select("tag", "version").orderBy("tag").collectAsList() : List.of();
  }
}
