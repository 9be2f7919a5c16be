package dev.lakeforge.core.lineage;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.openlineage.client.OpenLineage;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run facet {@code lakeforge}: which Lakeforge run a stage's OpenLineage run belongs to. Its schema is
 * {@code docs/openlineage/LakeforgeRunFacet.json}.
 */
@JsonPropertyOrder({"_producer", "_schemaURL", "pipeline", "stage", "runId", "runDate", "configHash", "gitRevision",
    "profile", "lakeforgeVersion"})
public final class LakeforgeRunFacet implements OpenLineage.RunFacet {
  public static final String NAME = "lakeforge";
  public static final URI SCHEMA_URL =
      URI.create("https://lakeforge.dev/spec/facets/1-0-0/LakeforgeRunFacet.json#/$defs/LakeforgeRunFacet");

  private final URI producer;
  private final String pipeline;
  private final String stage;
  private final String runId;
  private final String runDate;
  private final String configHash;
  private final String gitRevision;
  private final String profile;
  private final String lakeforgeVersion;

  public LakeforgeRunFacet(URI producer, String pipeline, String stage, String runId, String runDate,
      String configHash, String gitRevision, String profile, String lakeforgeVersion) {
    this.producer = producer;
    this.pipeline = pipeline;
    this.stage = stage;
    this.runId = runId;
    this.runDate = runDate;
    this.configHash = configHash;
    this.gitRevision = gitRevision;
    this.profile = profile;
    this.lakeforgeVersion = lakeforgeVersion;
  }

  @Override
  public URI get_producer() {
    return producer;
  }

  @Override
  public URI get_schemaURL() {
    return SCHEMA_URL;
  }

  public String getPipeline() {
    return pipeline;
  }

  public String getStage() {
    return stage;
  }

  /** Lakeforge's own run id (Airflow's, or a UUID), shared by every stage of one run. */
  public String getRunId() {
    return runId;
  }

  public String getRunDate() {
    return runDate;
  }

  public String getConfigHash() {
    return configHash;
  }

  public String getGitRevision() {
    return gitRevision;
  }

  public String getProfile() {
    return profile;
  }

  public String getLakeforgeVersion() {
    return lakeforgeVersion;
  }

  @JsonAnyGetter
  @Override
  public Map<String, Object> getAdditionalProperties() {
    return new LinkedHashMap<>();
  }
}
