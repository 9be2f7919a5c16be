package dev.lakeforge.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import dev.lakeforge.evaluation.EvaluateStage;
import dev.lakeforge.training.RegisteredModel;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.SparkModels;
import dev.lakeforge.training.TrainStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Register against the real MLflow server: a blessed model becomes the champion, registering again creates no
 * second version, the lineage tags read back, and Python's mlflow.pyfunc predicts what Lakeforge predicts.
 */
class RegisterStageTest {
  static final String PIPELINE = ToyPipeline.binary().registry("TRACKING", "MODEL")
      .evaluation("{gates: {auc_roc: {min: 0.6}}}").yaml();

  static ModelDirectory dir(StageResult trained) {
    return new ModelDirectory(Path.of(trained.output(TrainStage.MODEL_DIR)));
  }

  /** The servers scripts/test.sh starts: MLflow 3.17.2, and 2.22.1 behind a path-prefix proxy. */
  static final String SERVERS = "MLFLOW_TRACKING_URI, MLFLOW_COMPAT_TRACKING_URI";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"MLFLOW_TRACKING_URI", "MLFLOW_COMPAT_TRACKING_URI"})
  void registersOnceWithLineageAndPythonPyfuncPredictsTheSame(String server) throws Exception {
    String tracking = System.getenv(server);
    assumeTrue(tracking != null, "needs the MLflow servers scripts/test.sh starts (" + SERVERS + ")");
    String model = "register_test_" + System.nanoTime();
    RunContext ctx = SharedSpark.context(PIPELINE.replace("TRACKING", tracking).replace("MODEL", model),
        "2020-02-01");
    var rows = ToyPipeline.writeBinaryTrainingSet(ctx, "IF(id % 3 = 0, NULL, rand(5))", "CAST(u < x AS DOUBLE)");
    StageResult trained = ctx.runStage(new TrainStage());
    ctx.runStage(new EvaluateStage());

    // An earlier register that died after creating its run (MLflow went down mid-upload) left it RUNNING.
    MlflowClient mlflow = new MlflowClient(ctx.config().registry(), Map.of());
    String stale = mlflow.createRun(mlflow.experimentId("lakeforge-tests"), "interrupted", Map.of(
        RegisterStage.TAG_MODEL_DIR, Path.of(trained.output(TrainStage.MODEL_DIR)).toAbsolutePath().toString()))
        .path("info").path("run_id").asText();

    StageResult first = ctx.runStage(new RegisterStage(Optional.empty(), false));
    assertEquals(1L, first.metrics().get("interrupted_runs_replaced"));
    assertNotEquals(stale, first.output(RegisterStage.MLFLOW_RUN_ID), "a complete run replaces the interrupted one");
    assertEquals("deleted", mlflow.getRun(stale).path("info").path("lifecycle_stage").asText());
    assertEquals("FINISHED", mlflow.getRun(first.output(RegisterStage.MLFLOW_RUN_ID)).path("info").path("status")
        .asText());
    StageResult again = ctx.runStage(new RegisterStage(Optional.empty(), false));
    assertEquals(first.output(RegisterStage.MODEL_VERSION), again.output(RegisterStage.MODEL_VERSION),
        "registering the same model twice creates no second version");
    assertEquals(first.output(RegisterStage.MLFLOW_RUN_ID), again.output(RegisterStage.MLFLOW_RUN_ID));
    assertEquals("champion", first.output("alias"), "blessed: promoted");
    assertTrue(Files.readString(Path.of(trained.output(TrainStage.MODEL_DIR), RegisterStage.TRAINING_SET_SCHEMA))
        .contains("\"name\" : \"shop\""), "the training set's schema is kept with the model");

    String version = first.output(RegisterStage.MODEL_VERSION);
    JsonNode registered = mlflow.modelVersion(model, version).orElseThrow();
    Map<String, String> tags = new java.util.HashMap<>();
    registered.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
    assertEquals("training_sets.toy@v0", tags.get("training_set"));
    assertEquals("v0", tags.get("lineage.training_sets.toy"));
    assertEquals(ctx.configHash(), tags.get("lakeforge.config_hash"));
    // MLflow 3 keeps the model as a logged model with its own params and metrics; 2.x in the run's artifacts.
    String serverVersion = mlflow.serverVersion().orElseThrow();
    assertTrue(serverVersion.startsWith(server.equals("MLFLOW_TRACKING_URI") ? "3." : "2."), serverVersion);
    if (MlflowClient.hasLoggedModels(serverVersion)) {
      String modelId = first.output(RegisterStage.LOGGED_MODEL_ID);
      assertTrue(modelId.startsWith("m-"), modelId);
      assertEquals("models:/" + modelId, registered.path("source").asText());
      JsonNode logged = mlflow.loggedModel(modelId);
      assertEquals("LOGGED_MODEL_READY", logged.path("info").path("status").asText());
      assertEquals(first.output(RegisterStage.MLFLOW_RUN_ID), logged.path("info").path("source_run_id").asText());
      Map<String, String> params = new java.util.HashMap<>();
      logged.path("data").path("params").forEach(p -> params.put(p.path("key").asText(), p.path("value").asText()));
      assertEquals("3", params.get("max_depth"), params.toString());
      Map<String, Double> metrics = new java.util.HashMap<>();
      logged.path("data").path("metrics").forEach(m -> metrics.put(m.path("key").asText(), m.path("value").asDouble()));
      assertEquals(dir(trained).readJson(ModelDirectory.EVALUATION, dev.lakeforge.evaluation.Evaluation.class)
          .metrics().get("auc_roc"), metrics.get("auc_roc"), 1e-12, "the evaluation's AUC, on the model's page");

      // What a person sees in the MLflow UI: the version with its lineage, the model with its metrics and params,
      // the run with the evaluation report among its artifacts.
      String chromium = System.getenv("LAKEFORGE_CHROMIUM");
      if (chromium != null) {
        Path shots = SharedSpark.repoRoot().resolve("target/mlflow-ui");
        String experiment = logged.path("info").path("experiment_id").asText();
        String versionPage = MlflowUi.render(chromium, tracking + "/#/models/" + model + "/versions/" + version,
            shots.resolve("model-version.png"));
        assertTrue(versionPage.contains("Version " + version) && versionPage.contains("lineage.training_sets.toy")
            && versionPage.contains("training_sets.toy@v0"), "model version page");
        String modelPage = MlflowUi.render(chromium, tracking + "/#/experiments/" + experiment + "/models/"
            + modelId, shots.resolve("logged-model.png"));
        assertTrue(modelPage.contains("auc_roc") && modelPage.contains("max_depth"), "logged model page");
        String runPage = MlflowUi.render(chromium, tracking + "/#/experiments/" + experiment + "/runs/"
            + first.output(RegisterStage.MLFLOW_RUN_ID) + "/artifacts", shots.resolve("run-artifacts.png"));
        assertTrue(runPage.contains(dev.lakeforge.evaluation.EvaluationReport.DIRECTORY)
            && runPage.contains("lakeforge"), "run artifacts page");
      }
    } else {
      assertEquals(mlflow.getRun(first.output(RegisterStage.MLFLOW_RUN_ID)).path("info").path("artifact_uri")
          .asText() + "/model", registered.path("source").asText());
    }
    assertEquals(version, new ModelAliases(mlflow, model).get("champion").orElseThrow());

    // Reproduce: the recorded training config on the recorded training set version gives the same booster bytes.
    Reproduction plan = Reproduction.plan(ctx.config(), Map.of(),
        dev.lakeforge.core.mlflow.ModelUri.parse("models:/" + model + "/" + version));
    assertTrue(plan.overrides().contains("training.training_set_version=0"), plan.overrides().toString());
    assertTrue(plan.overrides().contains("training.params.max_depth=3"), plan.overrides().toString());
    RunContext rerun = RunContext.create("reproduce-run", plan.runDate(), "local",
        new dev.lakeforge.core.config.ConfigLoader(Map.of()).loadPipeline(ctx.loaded().file(), plan.overrides()),
        ctx.spark());
    rerun.runStage(new TrainStage());
    StageResult reproduced = plan.check().run(rerun);
    assertEquals(true, reproduced.metrics().get(Reproduction.IDENTICAL), reproduced.toString());

    // The registered model read back by alias is the trained one.
    RegisteredModel champion = RegisteredModel.resolve(mlflow,
        dev.lakeforge.core.mlflow.ModelUri.parse("models:/" + model + "@champion"), Files.createTempDirectory("cache"));
    assertEquals(trained.output(TrainStage.MODEL_DIR), champion.directory().root());

    // Python's pyfunc loader predicts what the Spark model predicts, row by row.
    String python = System.getenv("LAKEFORGE_PYFUNC_PYTHON");
    assumeTrue(python != null, "needs the pyfunc venv scripts/test.sh makes");
    ModelDirectory dir = new ModelDirectory(Path.of(trained.output(TrainStage.MODEL_DIR)));
    Path csv = Files.createTempDirectory("pyfunc").resolve("rows");
    SparkModels.transform(SparkModels.load(dir.sparkModel()), rows, dir.info().features())
        .select(col("x"), col("z"), SparkModels.positiveProbability().as("expected"))
        .coalesce(1).write().option("header", "true").csv(csv.toString());
    Path part;
    try (var files = Files.list(csv)) {
      part = files.filter(p -> p.getFileName().toString().endsWith(".csv")).findFirst().orElseThrow();
    }
    Path script = SharedSpark.repoRoot().resolve("registry/src/test/python/pyfunc_predict.py");
    ProcessBuilder pyfunc = new ProcessBuilder(python, script.toString(), "models:/" + model + "@champion",
        part.toString()).redirectErrorStream(true);
    pyfunc.environment().put("MLFLOW_TRACKING_URI", tracking); // the server under test, not the default one
    Process p = pyfunc.start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "pyfunc within 5 minutes");
    List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
    assertEquals(0, p.exitValue(), String.join("\n", out));
    JsonNode result = new ObjectMapper().readTree(out.get(out.size() - 1));
    assertEquals(600, result.path("rows").asInt());
    assertEquals("mlflow.xgboost", result.path("flavor").asText());
    assertTrue(result.path("max_abs_diff").asDouble() <= 1e-6, "pyfunc vs Lakeforge: " + result);
    assertTrue(out.stream().noneMatch(l -> l.contains("mismatches between the model's dependencies")),
        "requirements.txt asks for what the model needs, not one MLflow version: " + out);
  }

  @Test
  void aSweptModelHasItsTrialsAsChildRuns() throws Exception {
    String tracking = System.getenv("MLFLOW_TRACKING_URI");
    assumeTrue(tracking != null, "needs the MLflow server scripts/test.sh starts");
    String model = "sweep_test_" + System.nanoTime();
    RunContext ctx = SharedSpark.context(PIPELINE.replace("TRACKING", tracking).replace("MODEL", model)
        .replace("  params: {num_round: 20, max_depth: 3, eta: 0.3, seed: 7}",
            "  params: {num_round: 5, max_depth: 3, eta: 0.3, seed: 7}\n"
                + "  sweep: {strategy: grid, space: {max_depth: {choice: [2, 3]}}}"), "2020-02-01");
    var rows = ctx.spark().range(300).selectExpr("timestamp_seconds(1577836800 + id * 7200) AS ts",
        "'a' AS shop", "rand(3) AS x", "rand(5) AS z", "rand(4) AS u")
        .selectExpr("ts", "shop", "x", "z", "CAST(u < x AS DOUBLE) AS label");
    ctx.lake().write(rows, TableWrite.overwrite(TableRef.parse("training_sets.toy")));
    ctx.runStage(new dev.lakeforge.training.SweepStage());

    StageResult registered = ctx.runStage(new RegisterStage(Optional.empty(), false));
    assertEquals(2, registered.metrics().get("trial_runs"));
    MlflowClient mlflow = new MlflowClient(ctx.config().registry(), Map.of());
    List<JsonNode> children = mlflow.runsByTag(mlflow.experimentId("lakeforge-tests"), SweepTrialRuns.TAG_PARENT,
        registered.output(RegisterStage.MLFLOW_RUN_ID), 10);
    assertEquals(2, children.size(), "one child run per trial");
    var depths = new java.util.TreeSet<String>();
    for (JsonNode child : children) {
      child.path("data").path("params").forEach(p -> {
        if (p.path("key").asText().equals("max_depth")) {
          depths.add(p.path("value").asText());
        }
      });
      assertTrue(child.path("data").path("metrics").toString().contains("auc_roc"), child.toString());
    }
    assertEquals(java.util.Set.of("2", "3"), depths);
    ctx.runStage(new RegisterStage(Optional.empty(), false));
    assertEquals(2, mlflow.runsByTag(mlflow.experimentId("lakeforge-tests"), SweepTrialRuns.TAG_PARENT,
        registered.output(RegisterStage.MLFLOW_RUN_ID), 10).size(), "registering again adds no trial runs");
  }
}
