package dev.lakeforge.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.config.RegistryConfig;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.evaluation.Evaluation;
import dev.lakeforge.evaluation.EvaluationReport;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.RegisteredModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The MLflow run that holds a model directory: found again by its {@code lakeforge.model_dir} tag while it is
 * finished and holds the same files, else logged whole (params, metrics, tags, the MLflow model, the Spark model,
 * Lakeforge's files, curves, the report and a sweep's trials). What register does before it creates a version.
 */
final class ModelRunLogging {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelRunLogging.class);
  private static final TypeReference<Map<String, List<Double>>> CURVES_TYPE = new TypeReference<>() {};

  private ModelRunLogging() {}

  /**
   * The run id of {@code model}'s run, logging it first when there is none to reuse.
   *
   * @param tags the identity and lineage tags of the run (and of an MLflow 3 logged model)
   * @param result gets {@code interrupted_runs_replaced} and {@code trial_runs} when they happen
   */
  static String logOrReuse(RunContext context, MlflowClient mlflow, ModelDirectory model, Evaluation evaluation,
      Map<String, String> tags, StageResult.Builder result) {
    RegistryConfig config = context.config().registry();
    ModelDirectory.Info info = model.info();
    String experimentId = mlflow.experimentId(config.experiment());
    String modelDir = model.root();
    Optional<JsonNode> existing = mlflow.findRunByTag(experimentId, RegisterStage.TAG_MODEL_DIR, modelDir);
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
      runTags.put(RegisterStage.TAG_MODEL_DIR, modelDir);
      runTags.put(RegisteredModel.TAG_MODEL_SHA256, digest);
      runTags.put("mlflow.runName", config.modelName() + "-" + context.runDate());
      JsonNode run = mlflow.createRun(experimentId, config.modelName() + "-" + context.runDate(), runTags);
      runId = run.path("info").path("run_id").asText();
      String artifactUri = run.path("info").path("artifact_uri").asText();
      Map<String, String> params = new TreeMap<>(context.loaded().flattened());
      info.params().forEach((k, v) -> params.put(info.algorithm() + "." + k, String.valueOf(v)));
      mlflow.logBatch(runId, params, evaluation == null ? Map.of() : evaluation.metrics(),
          evaluationTags(evaluation));
      if (RegisterStage.hasBooster(model)) { // MLlib models have only the Spark model
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
          mlflow.logBatch(runId, Map.of(), Map.of(), Map.of(RegisterStage.TAG_LOGGED_MODEL, modelId));
        } else {
          MlflowModelLayout.files(model, runId, RegisterStage.MLFLOW_VERSION).forEach((name, bytes) ->
              mlflow.uploadBytes(artifactUri, MlflowModelLayout.ARTIFACT_PATH + "/" + name, bytes));
        }
      }
      mlflow.uploadDirectory(artifactUri, "spark-model", model.storage(), model.sparkModel());
      writeTrainingSetSchema(context, info, model);
      for (String file : List.of(ModelDirectory.INFO, ModelDirectory.IMPORTANCE, ModelDirectory.EVALUATION,
          ModelDirectory.CURVES, ModelDirectory.BOOSTER_JSON, RegisterStage.TRAINING_SET_SCHEMA,
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

    return runId;
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
    model.storage().commit(model.file(RegisterStage.TRAINING_SET_SCHEMA), context.lake()
        .read(TableRef.parse(info.trainingSet())).rows().schema().prettyJson()
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
