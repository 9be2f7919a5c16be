package dev.lakeforge.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.config.RegistryConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.core.run.BuildInfo;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.evaluation.RegisteredModel;
import dev.lakeforge.evaluation.EvaluateStage;
import dev.lakeforge.evaluation.Evaluation;
import dev.lakeforge.evaluation.EvaluationReport;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.TrainStage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Records the trained model in MLflow: a run with the effective config as params (secrets redacted), the
 * evaluation metrics, lineage tags and the model artifacts; then a registered model version linked to that run,
 * and the alias moved to it when evaluation blessed it. Registering the same model again reuses its run and
 * version.
 */
public final class RegisterStage implements Stage {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RegisterStage.class);
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

  private static final TypeReference<Map<String, List<Double>>> CURVES_TYPE = new TypeReference<>() {};

  private final Optional<String> fromDir;
  private final boolean force;
  private final Map<String, String> env;

  /**
   * @param fromDir a model directory (any Hadoop path) to register instead of this run date's trained model
   * @param force   move the alias even when the model was not blessed
   */
  public RegisterStage(Optional<String> fromDir, boolean force, Map<String, String> env) {
    this.fromDir = fromDir;
    this.force = force;
    this.env = env;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    RegistryConfig config = context.config().registry();
    ModelDirectory model = new ModelDirectory(context.storage(), fromDir.orElseGet(() ->
        TrainStage.latestModel(context.manifests()).output(TrainStage.MODEL_DIR)));
    if (!model.has(ModelDirectory.INFO)) {
      throw Errors.inputMissing("model directory", model.root(),
          "pass a directory written by `lakeforge train` (it holds " + ModelDirectory.INFO + ")");
    }
    Evaluation evaluation = model.has(ModelDirectory.EVALUATION)
        ? model.readJson(ModelDirectory.EVALUATION, Evaluation.class) : null;
    ModelDirectory.Info info = model.info();
    StageResult.Builder result = context.result(NAME);

    MlflowClient mlflow = new MlflowClient(config, env);
    String experimentId = mlflow.experimentId(config.experiment());
    String modelDir = model.root();
    Map<String, String> tags = tags(context, info);
    Optional<JsonNode> existing = mlflow.findRunByTag(experimentId, TAG_MODEL_DIR, modelDir);
    if (existing.isPresent() && !"FINISHED".equals(existing.get().path("info").path("status").asText())) {
      // An earlier register died mid-way (MLflow went down, the process was killed): its run may miss artifacts.
      // It never got a model version (that comes after the run is finished), so trash it and log a complete one.
      String stale = existing.get().path("info").path("run_id").asText();
      LOG.warn("Run {} of {} was left {} by an interrupted register; moving it to MLflow's trash and logging the "
          + "model again", stale, modelDir, existing.get().path("info").path("status").asText());
      mlflow.deleteRun(stale);
      result.metric("interrupted_runs_replaced", 1L);
      existing = Optional.empty();
    }
    String digest = RegisteredModel.modelDigest(model);
    String loggedDigest = existing.map(r -> ModelAliases.tag(r, RegisteredModel.TAG_MODEL_SHA256).orElse(digest))
        .orElse(digest);
    if (!loggedDigest.equals(digest)) {
      // The directory was trained again since it was logged: a new model, so a new run and version.
      LOG.warn("{} holds other files than when run {} logged it; logging the model as a new run", modelDir,
          existing.get().path("info").path("run_id").asText());
      existing = Optional.empty();
    }
    String runId;
    if (existing.isPresent()) {
      runId = existing.get().path("info").path("run_id").asText();
    } else {
      Map<String, String> runTags = new LinkedHashMap<>(tags);
      runTags.put(TAG_MODEL_DIR, modelDir);
      runTags.put(RegisteredModel.TAG_MODEL_SHA256, digest);
      runTags.put("mlflow.runName", config.modelName() + "-" + context.runDate());
      JsonNode run = mlflow.createRun(experimentId, config.modelName() + "-" + context.runDate(), runTags);
      runId = run.path("info").path("run_id").asText();
      String artifactUri = run.path("info").path("artifact_uri").asText();
      Map<String, String> params = new TreeMap<>(context.loaded().flattened());
      info.params().forEach((k, v) -> params.put(info.algorithm() + "." + k, String.valueOf(v)));
      mlflow.logBatch(runId, params, evaluation == null ? Map.of() : evaluation.metrics(),
          evaluationTags(evaluation));
      if (hasBooster(model)) { // MLlib models have only the Spark model
        Optional<String> server = mlflow.serverVersion().filter(MlflowClient::hasLoggedModels);
        if (server.isPresent()) {
          // MLflow 3: the model is a logged model with its own params, metrics and artifacts, as mlflow.*.log_model
          // makes it; the version's source is models:/<model_id>. 2.x servers keep it in the run's artifacts.
          Map<String, String> modelParams = new TreeMap<>();
          info.params().forEach((k, v) -> modelParams.put(k, String.valueOf(v)));
          JsonNode logged = mlflow.createLoggedModel(experimentId, MlflowModelLayout.ARTIFACT_PATH, runId,
              modelParams, tags).path("info");
          String modelId = logged.path("model_id").asText();
          String location = logged.path("artifact_uri").asText();
          MlflowModelLayout.files(model, runId, server.get(), modelId, location)
              .forEach((name, bytes) -> mlflow.uploadBytes(location, name, bytes));
          mlflow.logModelOutput(runId, modelId, evaluation == null ? Map.of() : evaluation.metrics());
          mlflow.finalizeLoggedModel(modelId);
          mlflow.logBatch(runId, Map.of(), Map.of(), Map.of(TAG_LOGGED_MODEL, modelId));
        } else {
          MlflowModelLayout.files(model, runId, MLFLOW_VERSION).forEach((name, bytes) ->
              mlflow.uploadBytes(artifactUri, MlflowModelLayout.ARTIFACT_PATH + "/" + name, bytes));
        }
      }
      mlflow.uploadDirectory(artifactUri, "spark-model", model.storage(), model.sparkModel());
      writeTrainingSetSchema(context, info, model);
      for (String file : List.of(ModelDirectory.INFO, ModelDirectory.IMPORTANCE, ModelDirectory.EVALUATION,
          ModelDirectory.CURVES, ModelDirectory.BOOSTER_JSON, TRAINING_SET_SCHEMA,
          dev.lakeforge.features.RowFeatureRecipe.FILE)) { // row-features.json: the Spark-free scorer's recipe
        if (model.has(file)) {
          mlflow.uploadBytes(artifactUri, "lakeforge/" + file, model.storage().read(model.file(file)));
        }
      }
      if (model.has(ModelDirectory.CURVES)) { // per-round curves as step metrics
        mlflow.logCurves(runId, model.readJson(ModelDirectory.CURVES, CURVES_TYPE));
      }
      String report = model.file(EvaluationReport.DIRECTORY);
      if (model.storage().isDirectory(report)) { // the HTML report and its PNG plots
        mlflow.uploadDirectory(artifactUri, EvaluationReport.DIRECTORY, model.storage(), report);
      }
      mlflow.finishRun(runId);
      result.metric("trial_runs", SweepTrialRuns.log(context, mlflow, experimentId, runId, model));
    }

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

  /** The gate's verdict on the run, so the MLflow UI shows why a model was or was not promoted. */
  private static Map<String, String> evaluationTags(Evaluation evaluation) {
    Map<String, String> tags = new LinkedHashMap<>();
    if (evaluation == null) {
      tags.put("lakeforge.blessed", "not evaluated");
      return tags;
    }
    tags.put("lakeforge.blessed", String.valueOf(evaluation.blessed()));
    if (!evaluation.reasons().isEmpty()) {
      tags.put("lakeforge.gate_reasons", String.join("; ", evaluation.reasons()));
    }
    if (evaluation.champion() != null) {
      tags.put("lakeforge.compared_with", evaluation.champion());
    }
    tags.put("lakeforge.validated_on", evaluation.validatedOn());
    return tags;
  }

  /** The exact training set version's Spark schema (every column, type and nullability), for the artifacts. */
  private static void writeTrainingSetSchema(RunContext context, ModelDirectory.Info info, ModelDirectory model) {
    model.storage().commit(model.file(TRAINING_SET_SCHEMA), context.lake()
        .read(TableRef.parse(info.trainingSet()), "training-set").rows().schema().prettyJson()
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static boolean hasBooster(ModelDirectory model) {
    return model.has(ModelDirectory.BOOSTER_UBJ);
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
    context.manifests().lineage(EvaluateStage.LINEAGE_STAGES).forEach((table, version) ->
        tags.put("lineage." + table, version));
    return tags;
  }
}
