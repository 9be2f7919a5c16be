package dev.lakeforge.core.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import scala.collection.JavaConverters;

/** The versions of one lake table, with the Lakeforge run that wrote each (from the commit's userMetadata). */
public final class TableHistory {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One version: when, what operation, which run and stage, and how many rows it wrote. */
  public record Entry(long version, String timestamp, String operation, String runId, String runDate, String stage,
      Long rowsWritten) {}

  private TableHistory() {}

  public static List<Entry> of(Lake lake, TableRef ref) {
    lake.resolveVersion(TableRef.of(ref.layer(), ref.name()));
    List<Entry> out = new ArrayList<>();
    List<Row> rows = DeltaTable.forPath(lake.spark(), lake.path(ref)).history()
        .select("version", "timestamp", "operation", "userMetadata", "operationMetrics").orderBy("version")
        .collectAsList();
    for (Row r : rows) {
      JsonNode meta = parse(r.isNullAt(3) ? null : r.getString(3));
      Map<String, String> metrics = r.isNullAt(4) ? Map.of()
          : JavaConverters.mapAsJavaMap(r.<scala.collection.Map<String, String>>getAs(4));
      String written = metrics.get("numOutputRows");
      out.add(new Entry(r.getLong(0), r.get(1).toString(), r.getString(2), text(meta, "run_id"),
          text(meta, "run_date"), text(meta, "stage"), written == null ? null : Long.parseLong(written)));
    }
    return out;
  }

  private static JsonNode parse(String json) {
    try {
      return json == null ? null : JSON.readTree(json);
    } catch (Exception e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    return node == null || !node.hasNonNull(field) ? "" : node.get(field).asText();
  }
}
