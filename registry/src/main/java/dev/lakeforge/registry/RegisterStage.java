package dev.lakeforge.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.config.RegistryConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.core.run.BuildInfo;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.training.ModelStore;
import dev.lakeforge.training.RegisteredModel;
import dev.lakeforge.evaluation.Evaluation;
import dev.lakeforge.training.ModelDirectory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Records the trained model in MLflow: a run with the effective config as params (secrets redacted), the
 * evaluation metrics, lineage tags and the model artifacts; then a registered model version linked to that run,
 * and the alias moved to it when evaluation blessed it. Registering the same model again reuses its run and
 * version. The run is {@link ModelRunLogging}'s; this stage registers the version and promotes it.
 */
public final class RegisterStage implements Stage {
  public static final String NAME = "register";
  public static final String MODEL_VERSION = "model_version";
  public static final String MLFLOW_RUN_ID = "mlflow_run_id";
  static final String TAG_MODEL_DIR = RegisteredModel.TAG_MODEL_DIR;
  /** The MLflow version whose MLmodel format a run-artifact model (2.x servers) is written in. */
  static final String MLFLOW_VERSION = "2.22.1";
  /** Run tag naming the MLflow 3 logged model the run produced. */
  static final String TAG_LOGGED_MODEL = "lakeforge.logged_model_id";
  public static final String LOGGED_MODEL_ID = "logged_model_id";
  static final String TRAINING_SET_SCHEMA = "training-set-schema.json";

  private final Optional<String> fromDir;
  private final boolean force;

  /**
   * @param fromDir a model directory (any Hadoop path) to register instead of this run date's trained model
   * @param force   move the alias even when the model was not blessed
   */
  public RegisterStage(Optional<String> fromDir, boolean force) {
    this.fromDir = fromDir;
    this.force = force;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    ModelStore models = ModelStore.of(context);
    RegistryConfig config = context.config().registry();
    ModelDirectory model = fromDir.map(models::directory).orElseGet(() -> models.trained(context.manifests()));
    if (!model.has(ModelDirectory.INFO)) {
      throw Errors.inputMissing("model directory", model.root(),
          "pass a directory written by `lakeforge train` (it holds " + ModelDirectory.INFO + ")");
    }
    Evaluation evaluation = model.has(ModelDirectory.EVALUATION)
        ? model.readJson(ModelDirectory.EVALUATION, Evaluation.class) : null;
    ModelDirectory.Info info = model.info();
    StageResult.Builder result = context.result(NAME);

    MlflowClient mlflow = models.registry();
    Map<String, String> tags = tags(context, info);
    String runId = ModelRunLogging.logOrReuse(context, mlflow, model, evaluation, tags, result);

    mlflow.ensureRegisteredModel(config.modelName(), "Registered by Lakeforge pipeline " + context.config().pipeline());
    JsonNode run = mlflow.getRun(runId);
    String artifactUri = run.path("info").path("artifact_uri").asText();
    Optional<String> loggedModel = ModelAliases.tag(run, TAG_LOGGED_MODEL);
    String description = "Trained on " + info.trainingSet() + " by Lakeforge run " + info.runId();
    JsonNode version = mlflow.findVersionOfRun(config.modelName(), runId).orElseGet(() -> loggedModel.isPresent()
        ? mlflow.createLoggedModelVersion(config.modelName(), loggedModel.get(), runId, description, tags)
        : mlflow.createModelVersion(config.modelName(), artifactUri + "/"
            + (hasBooster(model) ? MlflowModelLayout.ARTIFACT_PATH : "spark-model"), runId, description, tags));
    loggedModel.ifPresent(id -> result.output(LOGGED_MODEL_ID, id));
    String versionNumber = version.path("version").asText();

    boolean blessed = evaluation != null && evaluation.blessed();
    boolean promoted = blessed || force;
    if (promoted) {
      mlflow.setAlias(config.modelName(), config.alias(), versionNumber);
    }
    return result.metric("promoted", promoted)
        .output(MODEL_VERSION, versionNumber)
        .output(MLFLOW_RUN_ID, runId)
        .output("model_uri", "models:/" + config.modelName() + "/" + versionNumber)
        .output("alias", promoted ? config.alias() : "")
        .output("tracking_uri", mlflow.base().toString())
        .build();
  }

  static boolean hasBooster(ModelDirectory model) {
    return model.has(ModelDirectory.BOOSTER_UBJ);
  }

  /** The training set version the model was trained on, where its lineage starts. */
  private static TableVersion trainedOn(ModelDirectory.Info info) {
    TableRef ref = TableRef.parse(info.trainingSet());
    return new TableVersion(ref.table(), ref.version());
  }

  /** Identity and lineage: every table@version the model's data came through, from the run manifests. */
  private static Map<String, String> tags(RunContext context, ModelDirectory.Info info) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("lakeforge.version", BuildInfo.version());
    tags.put("lakeforge.run_id", info.runId());
    tags.put("lakeforge.run_date", context.runDate().toString());
    tags.put("lakeforge.config_hash", info.configHash());
    tags.put("lakeforge.profile", context.profile());
    tags.put("mlflow.source.git.commit", context.gitRevision());
    tags.put("git_revision", context.gitRevision());
    tags.put("spark_version", context.spark().version());
    tags.put("training_set", info.trainingSet());
    context.manifests().lineage(trainedOn(info)).forEach((table, version) ->
        tags.put("lineage." + table, version));
    return tags;
  }
}
