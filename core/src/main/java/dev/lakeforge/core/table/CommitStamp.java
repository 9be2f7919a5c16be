package dev.lakeforge.core.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identity every commit of one stage's run carries as Delta {@code userMetadata} ({@code DESCRIBE HISTORY}
 * shows it): the stage, the run and the code and config it ran. {@link Lake} stamps it on each write it makes, the
 * one place commit metadata is built, as Iceberg's snapshot producer stamps every snapshot's summary.
 *
 * @param stage null for writes outside a stage (the CLI's table tools)
 */
public record CommitStamp(String lakeforgeVersion, String pipeline, String stage, String runId, String runDate,
    String configHash, String gitRevision) {
  /** The key of the id that tells a write's own commit from others in the log (one per commit attempt). */
  public static final String WRITE_ID = "write_id";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A stamp for writes that belong to no run: only the write's facts and id. */
  public static final CommitStamp NONE = new CommitStamp(null, null, null, null, null, null, null);

  /** The userMetadata JSON of one commit: the run's identity, then {@code facts} by key, then {@code writeId}. */
  String metadata(Map<String, String> facts, String writeId) {
    ObjectNode node = JSON.createObjectNode();
    put(node, "lakeforge_version", lakeforgeVersion);
    put(node, "pipeline", pipeline);
    put(node, "stage", stage);
    put(node, "run_id", runId);
    put(node, "run_date", runDate);
    put(node, "config_hash", configHash);
    put(node, "git_revision", gitRevision);
    new TreeMap<>(facts).forEach(node::put);
    node.put(WRITE_ID, writeId);
    return node.toString();
  }

  private static void put(ObjectNode node, String key, String value) {
    if (value != null) {
      node.put(key, value);
    }
  }

  /** The write id in a commit's userMetadata, or null when it has none (commits by other writers or older code). */
  static String writeId(String userMetadata) {
    if (userMetadata == null || !userMetadata.contains(WRITE_ID)) {
      return null;
    }
    try {
      var id = JSON.readTree(userMetadata).get(WRITE_ID);
      return id == null ? null : id.asText();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return null;
    }
  }
}
