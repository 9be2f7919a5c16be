package dev.lakeforge.core.run;

import dev.lakeforge.core.config.LoadedConfig;
import dev.lakeforge.core.config.PipelineConfig;
import dev.lakeforge.core.config.S3Config;
import dev.lakeforge.core.storage.Storage;
import dev.lakeforge.core.table.CommitStamp;
import dev.lakeforge.core.table.Lake;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a stage needs besides its own code: the config, the session, the lake, the run's identity
 * (run id, run date, config hash, git revision), the manifests of earlier stages and the process environment
 * (read once by the command line; where credentials such as {@code MLFLOW_TRACKING_TOKEN} come from).
 */
public record RunContext(String runId, LocalDate runDate, String profile, LoadedConfig loaded, SparkSession spark,
    Lake lake, RunManifests manifests, String gitRevision, Map<String, String> environment) {

  public RunContext {
    environment = environment == null ? Map.of() : Map.copyOf(environment);
  }

  /** The run's identity; not the environment, whose values hold credentials. */
  @Override
  public String toString() {
    return "RunContext[runId=" + runId + ", runDate=" + runDate + ", profile=" + profile + "]";
  }

  /** A context whose environment holds no credentials (tests, tools that never call MLflow with a token). */
  public static RunContext create(String runId, LocalDate runDate, String profile, LoadedConfig loaded,
      SparkSession spark) {
    return create(runId, runDate, profile, loaded, spark, Map.of());
  }

  public static RunContext create(String runId, LocalDate runDate, String profile, LoadedConfig loaded,
      SparkSession spark, Map<String, String> environment) {
    PipelineConfig config = loaded.config();
    applyS3(config.lake().s3(), spark.sparkContext().hadoopConfiguration());
    String gitRevision = BuildInfo.gitRevision();
    // Stamped with the run's identity from the start; runStage adds the stage's name.
    Lake lake = new Lake(spark, config.lake().root()).stamped(new CommitStamp(BuildInfo.version(), config.pipeline(),
        null, runId, runDate.toString(), loaded.hash(), gitRevision));
    return new RunContext(runId, runDate, profile, loaded, spark, lake,
        new RunManifests(Storage.of(spark.sparkContext().hadoopConfiguration()), config.lake().state(),
            config.pipeline(), runDate.toString()),
        gitRevision, environment);
  }

  /**
   * Storage for work done before a session starts (e.g. `reproduce` resolving its model): Hadoop's defaults plus
   * {@code lake.s3}, without the Spark profile's {@code spark.hadoop.*} settings.
   */
  public static Storage storage(PipelineConfig config) {
    org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
    applyS3(config.lake().s3(), hadoop);
    return Storage.of(hadoop);
  }

  /** Points s3a:// at the configured endpoint; credentials stay with the AWS provider chain. */
  private static void applyS3(S3Config s3, org.apache.hadoop.conf.Configuration hadoop) {
    if (s3 == null) {
      return;
    }
    if (s3.endpoint() != null && !s3.endpoint().isBlank()) {
      hadoop.set("fs.s3a.endpoint", s3.endpoint());
      hadoop.set("fs.s3a.connection.ssl.enabled", String.valueOf(s3.endpoint().startsWith("https")));
    }
    hadoop.set("fs.s3a.path.style.access", String.valueOf(s3.pathStyleAccess()));
    hadoop.set("fs.s3a.endpoint.region", s3.region());
    // Fail within seconds, not minutes, when the endpoint is down: few attempts, short connect timeout.
    hadoop.set("fs.s3a.attempts.maximum", String.valueOf(s3.maxAttempts()));
    hadoop.set("fs.s3a.retry.limit", String.valueOf(s3.maxAttempts()));
    hadoop.set("fs.s3a.connection.establish.timeout", "5000");
    // Keep directory markers: no delete of fake parent directories after every file write (HADOOP-13230).
    hadoop.set("fs.s3a.directory.marker.retention", "keep");
  }

  /**
   * Files of the lake that are not tables (models, reports, caches) on any Hadoop path, with the session's Hadoop
   * settings (lake.s3 included).
   */
  public Storage storage() {
    return Storage.of(spark.sparkContext().hadoopConfiguration());
  }

  public PipelineConfig config() {
    return loaded.config();
  }

  public String configHash() {
    return loaded.hash();
  }

  /**
   * This context for the run of {@code stage}: its lake stamps every commit with the run's identity and the stage's
   * name (see {@link dev.lakeforge.core.table.CommitStamp}). {@link #runStage} binds each stage it runs.
   */
  public RunContext forStage(String stage) {
    return new RunContext(runId, runDate, profile, loaded, spark, lake.stamped(stamp(stage)), manifests, gitRevision,
        environment);
  }

  /**
   * This context, its lake naming in a missing table's error the stage that writes the table's layer
   * ({@code producerOfLayer}: layer to stage name, or null; see {@link Lake#producedBy}).
   */
  public RunContext withTableProducers(java.util.function.Function<String, String> producerOfLayer) {
    return new RunContext(runId, runDate, profile, loaded, spark, lake.producedBy(producerOfLayer), manifests,
        gitRevision, environment);
  }

  private CommitStamp stamp(String stage) {
    return new CommitStamp(BuildInfo.version(), config().pipeline(), stage, runId, runDate.toString(), configHash(),
        gitRevision);
  }

  /**
   * The run id as a file or directory name. Orchestrators' ids contain ':' and '+' (Airflow's
   * "manual__2026-11-27T06:43:22+00:00"), which Hadoop paths reject; they become '_'.
   */
  public String runIdForPaths() {
    return runId.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * Runs {@code stage} and saves its result as the run date's manifest for that stage, which is how a later stage,
   * in this process or another, finds what it produced; a stage that fails with a verdict
   * ({@link StageFailedException}) is saved too. The runner does this for every stage; so do tests.
   */
  public StageResult runStage(Stage stage) {
    StageResult result;
    try {
      result = stage.run(forStage(stage.name()));
    } catch (StageFailedException failed) {
      manifests.save(failed.result());
      throw failed;
    }
    manifests.save(result);
    return result;
  }

  public StageResult.Builder result(String stage) {
    return new StageResult.Builder(this, stage);
  }
}
