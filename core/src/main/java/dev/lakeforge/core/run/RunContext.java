package dev.lakeforge.core.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakeforge.core.config.LoadedConfig;
import dev.lakeforge.core.config.PipelineConfig;
import dev.lakeforge.core.table.Lake;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a stage needs besides its own code: the config, the session, the lake, the run's identity
 * (run id, run date, config hash, git revision) and the manifests of earlier stages.
 */
public record RunContext(String runId, LocalDate runDate, String profile, LoadedConfig loaded, SparkSession spark,
    Lake lake, RunManifests manifests, String gitRevision) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static RunContext create(String runId, LocalDate runDate, String profile, LoadedConfig loaded,
      SparkSession spark) {
    PipelineConfig config = loaded.config();
    return new RunContext(runId, runDate, profile, loaded, spark, new Lake(spark, config.lake().root()),
        new RunManifests(Path.of(config.lake().state()), config.pipeline(), runDate.toString()),
        BuildInfo.gitRevision());
  }

  public PipelineConfig config() {
    return loaded.config();
  }

  public String configHash() {
    return loaded.hash();
  }

  /** Delta commit metadata (userMetadata) for a write by {@code stage}: the run's identity as JSON. */
  public String commitMetadata(String stage) {
    ObjectNode node = JSON.createObjectNode()
        .put("lakeforge_version", BuildInfo.version())
        .put("pipeline", config().pipeline())
        .put("stage", stage)
        .put("run_id", runId)
        .put("run_date", runDate.toString())
        .put("config_hash", configHash())
        .put("git_revision", gitRevision);
    return node.toString();
  }

  public StageResult.Builder result(String stage) {
    return new StageResult.Builder(this, stage);
  }
}
