package dev.lakeforge.scorer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.config.RegistryConfig;
import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.core.mlflow.ModelUri;
import dev.lakeforge.core.mlflow.RegistryCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A Lakeforge XGBoost model as the plain-Java scorer needs it: the native booster and the feature order and task
 * from {@code model-info.json}. Loaded from a model directory (as {@code lakeforge train} writes it) or from the
 * registry by {@code models:/<name>@<alias>} or {@code models:/<name>/<version>} (the run's {@code lakeforge/}
 * artifacts, downloaded once into a cache directory keyed and verified by {@link RegistryCache}).
 * {@code recipe} is {@code row-features.json} (how each feature is computed from raw columns, with the fitted
 * vocabularies; see {@link FeaturePlan}), or null for models trained before it was recorded.
 */
public record ScorerModel(TaskKind task, List<String> features, Booster booster, String source, List<String> classes,
    JsonNode recipe) {
  /** A model whose class i is label value i (binary, regression, models saved before classes were recorded). */
  public ScorerModel(TaskKind task, List<String> features, Booster booster, String source) {
    this(task, features, booster, source, null, null);
  }

  /** A model without a row-feature recipe: every feature must be a column of the input. */
  public ScorerModel(TaskKind task, List<String> features, Booster booster, String source, List<String> classes) {
    this(task, features, booster, source, classes, null);
  }

  /**
   * The label value a multiclass model's class index stands for ({@code classes} in model-info.json), written as
   * Spark writes it: a number as a double ({@code 3.0}), a string label's class by its name.
   */
  public String labelOf(int classIndex) {
    return classes == null ? Double.toString(classIndex) : classes.get(classIndex);
  }

  /**
   * Whether the booster is a tree model ({@code gbtree} or {@code dart}: {@code learner.gradient_booster.name} in
   * XGBoost's JSON model), whose prediction XGBoost makes thread-safe; a {@code gblinear} booster is not.
   */
  public boolean treeBooster() {
    try {
      String name = new ObjectMapper().readTree(booster.toByteArray("json"))
          .at("/learner/gradient_booster/name").asText();
      return !name.equals("gblinear");
    } catch (IOException | XGBoostError e) {
      throw Errors.inputUnreadable("model", source, String.valueOf(e.getMessage()), e);
    }
  }

  public static ScorerModel load(String model, Map<String, String> env, Path cache) {
    if (!ModelUri.isRegistryReference(model)) {
      return fromDirectory(Path.of(model), model);
    }
    ModelUri uri = ModelUri.parse(model);
    String tracking = env.get("MLFLOW_TRACKING_URI");
    if (tracking == null || tracking.isBlank()) {
      throw Errors.usage("Cannot read " + model + ": MLFLOW_TRACKING_URI is not set",
          "export MLFLOW_TRACKING_URI=http://host:port, or pass a model directory");
    }
    // The client needs only the server here; experiment and model name are not used for reads.
    MlflowClient mlflow = new MlflowClient(new RegistryConfig(tracking, "-", uri.name(), null, null, null), env);
    JsonNode v = uri.require(mlflow);
    String version = v.path("version").asText();
    String runId = v.path("run_id").asText();
    RegistryCache.Source source = new RegistryCache.Source(mlflow.base().toString(), uri.name(), version, runId,
        List.of("lakeforge"));
    Path dir = RegistryCache.fetch(cache, source, partial -> mlflow.downloadDirectory(
        mlflow.getRun(runId).path("info").path("artifact_uri").asText(), "lakeforge", partial));
    return fromDirectory(dir, model + " (v" + v.path("version").asText() + ")");
  }

  static ScorerModel fromDirectory(Path dir, String source) {
    Path info = dir.resolve("model-info.json");
    if (!Files.isRegularFile(info)) {
      throw Errors.inputMissing("model directory", dir.toString(),
          "pass a directory written by `lakeforge train` (it holds model-info.json) or a models:/ URI");
    }
    Path booster = Files.isRegularFile(dir.resolve("model.ubj")) ? dir.resolve("model.ubj") : dir.resolve("model.json");
    if (!Files.isRegularFile(booster)) {
      throw Errors.usage("Cannot score with " + source + ": it has no XGBoost booster (model.ubj or model.json)",
          "the Spark-free scorer runs XGBoost models only; score MLlib models with `lakeforge score`");
    }
    try {
      JsonNode node = new ObjectMapper().readTree(info.toFile());
      List<String> features = new ArrayList<>();
      node.path("features").forEach(f -> features.add(f.asText()));
      List<String> classes = null;
      if (node.path("classes").isArray()) {
        List<String> values = new ArrayList<>();
        node.path("classes").forEach(c -> values.add(c.isTextual() ? c.asText() : Double.toString(c.asDouble())));
        classes = List.copyOf(values);
      }
      Path recipe = dir.resolve("row-features.json");
      JsonNode recipeNode = Files.isRegularFile(recipe) ? new ObjectMapper().readTree(recipe.toFile()) : null;
      return new ScorerModel(TaskKind.of(node.path("task").asText("binary")), List.copyOf(features),
          XGBoost.loadModel(booster.toString()), source, classes, recipeNode);
    } catch (IOException | XGBoostError e) {
      throw Errors.inputUnreadable("model", dir.toString(), String.valueOf(e.getMessage()), e);
    }
  }
}
