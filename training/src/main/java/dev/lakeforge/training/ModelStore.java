package dev.lakeforge.training;

import dev.lakeforge.core.config.PipelineConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.core.mlflow.ModelUri;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.RunManifests;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.storage.Storage;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a run's models are: the model directory this run date trained (found through the run manifests) and
 * registered versions in the MLflow registry ({@code models:/} URIs and aliases, downloaded once into the registry
 * cache under {@code lake.models} when their training directory cannot be read here). Every stage that reads or
 * registers a model goes through one, so the MLflow client is built in one place, from {@code registry} and the
 * environment's credentials.
 */
public final class ModelStore {
  private final PipelineConfig config;
  private final Storage storage;
  private final Map<String, String> environment;
  private MlflowClient mlflow;

  private ModelStore(PipelineConfig config, Storage storage, Map<String, String> environment) {
    this.config = config;
    this.storage = storage;
    this.environment = environment;
  }

  /** The models of a stage's run: the session's storage, the run's config and environment. */
  public static ModelStore of(RunContext context) {
    return new ModelStore(context.config(), context.storage(), context.environment());
  }

  /** For work before a session starts (e.g. {@code reproduce}, the alias commands): Hadoop's default settings. */
  public static ModelStore withoutSession(PipelineConfig config, Map<String, String> environment) {
    return new ModelStore(config, RunContext.storage(config), environment);
  }

  /**
   * The manifest of the run date's last training: {@code train} or {@code sweep}, whichever finished later as its
   * manifest records it (not the files' times, which object stores and copies rewrite). A manifest written before
   * finish times were recorded counts as oldest.
   *
   * @throws dev.lakeforge.core.error.LakeforgeException exit 4 when neither stage has run for this run date
   */
  public static StageResult latestTraining(RunManifests manifests) {
    return Stream.of(TrainStage.NAME, SweepStage.NAME)
        .map(manifests::find)
        .flatMap(Optional::stream)
        .filter(r -> r.output(TrainStage.MODEL_DIR) != null)
        .max(Comparator.comparing(StageResult::finished))
        .orElseThrow(() -> Errors.stageOutputMissing(TrainStage.NAME, manifests.dir(), "model directory"));
  }

  /** The model directory of the run date's last training ({@link #latestTraining}). */
  public ModelDirectory trained(RunManifests manifests) {
    return directory(latestTraining(manifests).output(TrainStage.MODEL_DIR));
  }

  /** The model directory at {@code root}, any Hadoop path. */
  public ModelDirectory directory(String root) {
    return new ModelDirectory(storage, root);
  }

  /** The MLflow client for {@code registry.tracking_uri}, built on first use (a stage may never call MLflow). */
  public MlflowClient registry() {
    if (mlflow == null) {
      mlflow = new MlflowClient(config.registry(), environment);
    }
    return mlflow;
  }

  /** The version a URI names; an unknown model, alias or version is exit 2. */
  public RegisteredModel resolve(ModelUri uri) {
    return RegisteredModel.resolve(registry(), uri, storage, cacheRoot(config));
  }

  /** The version {@code alias} of {@code model} points at, or empty when the registry has no such model or alias. */
  public Optional<RegisteredModel> byAlias(String model, String alias) {
    return RegisteredModel.byAlias(registry(), model, alias, storage, cacheRoot(config));
  }

  /** Where registered models not readable here are downloaded to: {@code <lake.models>/<pipeline>/registry}. */
  public static String cacheRoot(PipelineConfig config) {
    return config.lake().models() + "/" + config.pipeline() + "/registry";
  }
}
