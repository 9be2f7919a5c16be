package dev.lakeforge.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.config.RegistryConfig;
import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.RegisteredModel;
import dev.lakeforge.training.TrainStage;
import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The evaluate stage on a trained toy model: report, slices, gates, the champion comparison, bad input. */
class EvaluateStageTest {
  static final String PIPELINE = ToyPipeline.binary().registry("TRACKING", "MODEL").evaluation("""
        gates: GATES
        slices: [{column: shop, top: 3}]
        calibration_bins: 5
      """).yaml();

  /** {@link ToyPipeline#writeBinaryTrainingSet} with z null in every third row and 0 elsewhere. */
  static void writeTrainingSet(RunContext ctx, String labelExpr) {
    ToyPipeline.writeBinaryTrainingSet(ctx, "IF(id % 3 = 0, NULL, 0.0)", labelExpr);
  }

  static String pipeline(String gates, String tracking, String model) throws Exception {
    Path dir = Files.createTempDirectory("lakeforge-eval");
    return PIPELINE.replace("${TMP}", dir.toString()).replace("GATES", gates).replace("TRACKING", tracking)
        .replace("MODEL", model);
  }

  @Test
  void writesTheReportWithPlotsSlicesAndDriftAndBlessesWithinTheGates() throws Exception {
    RunContext ctx = SharedSpark.context(pipeline("{auc_roc: {min: 0.6}, log_loss: {max: 0.7}}",
        "http://127.0.0.1:1", "m"), "2020-02-01");
    writeTrainingSet(ctx, "CAST(u < x AS DOUBLE)");
    ctx.runStage(new TrainStage());
    StageResult result = ctx.runStage(new EvaluateStage());

    assertEquals("true", result.output(EvaluateStage.BLESSED));
    ModelDirectory dir = new ModelDirectory(Path.of(result.output(TrainStage.MODEL_DIR)));
    Evaluation e = dir.readJson(ModelDirectory.EVALUATION, Evaluation.class);
    assertEquals(120.0, e.metrics().get("rows"), "the 120 rows from Jan 21 are the validation split");
    assertTrue(e.metrics().get("auc_roc") > 0.7, "label follows x: " + e.metrics().get("auc_roc"));
    assertEquals(List.of("a", "b", "c"), e.slices().stream().map(SliceMetrics.Slice::value).toList(), "top 3");
    assertEquals(30.0, e.slices().get(0).metrics().get("rows"));
    assertEquals(5, e.calibration().size());
    assertEquals(120, e.calibration().stream().mapToLong(BinaryMetrics.CalibrationBin::rows).sum());
    long[][] c = e.confusion();
    assertEquals(120, c[0][0] + c[0][1] + c[1][0] + c[1][1]);
    assertEquals(2, e.gates().size());
    assertTrue(e.gates().stream().allMatch(Gates.Verdict::passed));
    assertEquals(null, e.champion(), "no champion gate: the registry is not asked");
    assertEquals("training_sets.toy@v0", e.validatedOn());

    Path report = Path.of(result.output(EvaluateStage.REPORT));
    String html = Files.readString(report);
    assertTrue(html.contains(">blessed<"));
    assertTrue(html.contains("<h2>Slices</h2>"));
    for (String plot : List.of("roc.png", "pr.png", "calibration.png", "confusion.png", "importance.png",
        "learning_curves.png")) {
      assertTrue(e.plots().contains(plot), plot);
      BufferedImage image = ImageIO.read(report.getParent().resolve(plot).toFile());
      assertEquals(EvaluationCharts.WIDTH, image.getWidth(), plot);
      assertTrue(html.contains("alt=\"" + plot + "\" src=\"data:image/png;base64,"), plot + " is inlined");
    }
  }

  @Test
  void anAbsoluteGateBlocksAWeakModelWithExit4AndKeepsTheVerdict() throws Exception {
    RunContext ctx = SharedSpark.context(pipeline("{auc_roc: {min: 0.99}}", "http://127.0.0.1:1", "m"),
        "2020-02-01");
    writeTrainingSet(ctx, "CAST(u < x AS DOUBLE)");
    ctx.runStage(new TrainStage());
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new EvaluateStage()));
    assertEquals(ErrorKind.MODEL_GATE, e.kind());
    assertTrue(e.getMessage().contains("auc_roc = 0."), e.getMessage());
    assertTrue(e.getMessage().contains("is outside [0.99, +inf]"), e.getMessage());
    StageResult saved = ctx.manifests().require(EvaluateStage.NAME, "test");
    assertEquals("false", saved.output(EvaluateStage.BLESSED));
    Evaluation kept = new ModelDirectory(Path.of(saved.output(TrainStage.MODEL_DIR)))
        .readJson(ModelDirectory.EVALUATION, Evaluation.class);
    assertFalse(kept.blessed());
  }

  @Test
  void theChampionGateBlocksADeliberatelyWorseModelOnTheSameRows() throws Exception {
    String tracking = System.getenv("MLFLOW_TRACKING_URI");
    assumeTrue(tracking != null, "needs the MLflow server scripts/test.sh starts");
    String model = "evaluate_test_" + System.nanoTime();
    String yaml = pipeline("{auc_roc: {min: 0.5, champion_margin: 0.002}}", tracking, model);
    RunContext ctx = SharedSpark.context(yaml, "2020-02-01");
    writeTrainingSet(ctx, "CAST(u < x AS DOUBLE)");

    // No champion yet: the absolute bound alone decides, and the good model is blessed.
    Path good = Path.of(ctx.runStage(new TrainStage()).output(TrainStage.MODEL_DIR));
    StageResult first = ctx.runStage(new EvaluateStage());
    assertEquals("true", first.output(EvaluateStage.BLESSED));
    assertEquals(null, first.outputs().get("champion"));
    double goodAuc = (Double) first.metrics().get("auc_roc");

    // It becomes the champion, as the register stage would record it.
    MlflowClient mlflow = new MlflowClient(ctx.config().registry(), Map.of());
    String experiment = mlflow.experimentId("lakeforge-tests");
    JsonNode run = mlflow.createRun(experiment, model, Map.of(RegisteredModel.TAG_MODEL_DIR, good.toString()));
    String runId = run.path("info").path("run_id").asText();
    mlflow.finishRun(runId);
    mlflow.ensureRegisteredModel(model, "test");
    String version = mlflow.createModelVersion(model, run.path("info").path("artifact_uri").asText() + "/model",
        runId, "the good model", Map.of()).path("version").asText();
    mlflow.setAlias(model, "champion", version);

    // A deliberately worse challenger: one stump on x.
    RunContext stump = SharedSpark.context(yaml.replace("params: {num_round: 20, max_depth: 3, eta: 0.3, seed: 7}",
        "params: {num_round: 1, max_depth: 1, eta: 0.3, seed: 7}"), "2020-02-01");
    RunContext worse = RunContext.create("worse-run", stump.runDate(), "local", stump.loaded(), stump.spark());
    worse.runStage(new TrainStage());
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> worse.runStage(new EvaluateStage()));
    assertEquals(ErrorKind.MODEL_GATE, e.kind());
    assertTrue(e.getMessage().contains("worse than " + model + "@champion (v" + version + ")"), e.getMessage());
    Evaluation kept = new ModelDirectory(Path.of(worse.manifests().require(EvaluateStage.NAME, "test")
        .output(TrainStage.MODEL_DIR))).readJson(ModelDirectory.EVALUATION, Evaluation.class);
    assertEquals(goodAuc, kept.championMetrics().get("auc_roc"), 1e-12, "the champion scored on the same rows");
    assertTrue(kept.metrics().get("auc_roc") < goodAuc - 0.002);
    assertEquals(List.of(false), kept.gates().stream().map(Gates.Verdict::passed).toList());
  }

  /** The same run with registry settings overridden, as --set does. */
  static RunContext withRegistry(RunContext ctx, String... overrides) {
    return RunContext.create(ctx.runId(), ctx.runDate(), "local", new dev.lakeforge.core.config.ConfigLoader(Map.of())
        .loadPipeline(ctx.loaded().file(), List.of(overrides)), ctx.spark());
  }

  @Test
  void theChampionGateReadsTheRegistryThroughAPathPrefixAndNeverPassesWhenItCannotReadIt() throws Exception {
    String proxied = System.getenv("MLFLOW_PREFIXED_TRACKING_URI");
    assumeTrue(proxied != null, "needs the prefixed MLflow server scripts/test.sh starts");
    String model = "evaluate_prefix_" + System.nanoTime();
    RunContext ctx = SharedSpark.context(pipeline("{auc_roc: {min: 0.5, champion_margin: 0.002}}", proxied, model),
        "2020-02-01");
    writeTrainingSet(ctx, "CAST(u < x AS DOUBLE)");
    Path trained = Path.of(ctx.runStage(new TrainStage()).output(TrainStage.MODEL_DIR));

    // A registry that cannot be read ends the stage without a verdict: no "no champion yet", no blessing.
    HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.createContext("/", exchange -> {
      exchange.sendResponseHeaders(502, -1);
      exchange.close();
    });
    gateway.start();
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String withoutPrefix = proxied.substring(0, proxied.length() - java.net.URI.create(proxied).getPath().length());
    try {
      for (var unreadable : List.of(Map.entry("http://127.0.0.1:" + gateway.getAddress().getPort() + "/mlflow", 5),
          Map.entry("http://127.0.0.1:" + closed + "/mlflow", 5), Map.entry(withoutPrefix, 2))) {
        RunContext run = withRegistry(ctx, "registry.tracking_uri=" + unreadable.getKey(), "registry.max_attempts=2",
            "registry.initial_backoff_ms=10");
        LakeforgeException e = assertThrows(LakeforgeException.class, () -> run.runStage(new EvaluateStage()),
            unreadable.getKey());
        assertEquals(unreadable.getValue(), e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains(unreadable.getKey()), e.getMessage());
        assertFalse(Files.exists(trained.resolve(ModelDirectory.EVALUATION)), "no verdict written");
      }
    } finally {
      gateway.stop(0);
    }

    // Through the prefix: the registry answers that there is no such model, so the bounds alone decide.
    StageResult first = ctx.runStage(new EvaluateStage());
    assertEquals("true", first.output(EvaluateStage.BLESSED));
    assertEquals(null, first.outputs().get("champion"));

    // Once a champion is registered (this very model), the gate finds it through the prefix and compares.
    MlflowClient mlflow = new MlflowClient(ctx.config().registry(), Map.of());
    JsonNode run = mlflow.createRun(mlflow.experimentId("lakeforge-tests"), model,
        Map.of(RegisteredModel.TAG_MODEL_DIR, trained.toString()));
    String runId = run.path("info").path("run_id").asText();
    mlflow.finishRun(runId);
    mlflow.ensureRegisteredModel(model, "test");
    mlflow.createModelVersion(model, run.path("info").path("artifact_uri").asText() + "/model", runId, "champion",
        Map.of());
    mlflow.setAlias(model, "champion", "1");
    StageResult second = ctx.runStage(new EvaluateStage());
    assertEquals(model + "@champion (v1)", second.outputs().get("champion"));
    assertEquals("true", second.output(EvaluateStage.BLESSED), "the same model is within the margin of itself");

    // The run's directory is used only while it holds the files the run registered (their digest in a tag).
    Path cache = Files.createTempDirectory("registry-cache");
    String same = RegisteredModel.modelDigest(new ModelDirectory(trained));
    assertEquals(trained.toString(), championTagged(mlflow, model, trained, same, cache).directory().root());
    LakeforgeException changed = assertThrows(LakeforgeException.class,
        () -> championTagged(mlflow, model, trained, "0".repeat(64), cache));
    assertEquals(2, changed.exitCode(), changed.getMessage());
    assertTrue(changed.getMessage().contains("its run has no lakeforge/model-info.json artifact"),
        "not the directory, the registry's copy (which this bare run lacks): " + changed.getMessage());
  }

  /** A new champion version whose run names {@code dir} with the given digest, resolved as evaluate and score do. */
  static RegisteredModel championTagged(MlflowClient mlflow, String model, Path dir, String digest, Path cache) {
    JsonNode run = mlflow.createRun(mlflow.experimentId("lakeforge-tests"), model,
        Map.of(RegisteredModel.TAG_MODEL_DIR, dir.toString(), RegisteredModel.TAG_MODEL_SHA256, digest));
    String runId = run.path("info").path("run_id").asText();
    mlflow.finishRun(runId);
    String version = mlflow.createModelVersion(model, run.path("info").path("artifact_uri").asText() + "/model",
        runId, "tagged", Map.of()).path("version").asText();
    mlflow.setAlias(model, "champion", version);
    return RegisteredModel.byAlias(mlflow, model, "champion", cache).orElseThrow();
  }

  @Test
  void aValidationSplitWithOneClassIsRefusedWithExit3() throws Exception {
    RunContext ctx = SharedSpark.context(pipeline("{auc_roc: {min: 0.6}}", "http://127.0.0.1:1", "m"),
        "2020-02-01");
    writeTrainingSet(ctx, "CAST(ts < '2020-01-21' AND u < x AS DOUBLE)");
    ctx.runStage(new TrainStage());
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new EvaluateStage()));
    assertEquals(ErrorKind.DATA_QUALITY, e.kind());
    assertTrue(e.getMessage().contains("the label has one class only (0) on all 120 validation rows"),
        e.getMessage());
  }

  @Test
  void anUnknownSliceColumnOrGateMetricIsAConfigError() throws Exception {
    RunContext ctx = SharedSpark.context(pipeline("{auc_rock: {min: 0.6}}", "http://127.0.0.1:1", "m")
        .replace("column: shop", "column: store"), "2020-02-01");
    writeTrainingSet(ctx, "CAST(u < x AS DOUBLE)");
    ctx.runStage(new TrainStage());
    LakeforgeException slice = assertThrows(LakeforgeException.class, () -> ctx.runStage(new EvaluateStage()));
    assertEquals(ErrorKind.CONFIG, slice.kind());
    assertTrue(slice.getMessage().contains("column 'store' is not in training_sets.toy@v0"), slice.getMessage());

    RunContext gate = SharedSpark.context(pipeline("{auc_rock: {min: 0.6}}", "http://127.0.0.1:1", "m"),
        "2020-02-01");
    writeTrainingSet(gate, "CAST(u < x AS DOUBLE)");
    gate.runStage(new TrainStage());
    LakeforgeException metric = assertThrows(LakeforgeException.class, () -> gate.runStage(new EvaluateStage()));
    assertEquals(ErrorKind.CONFIG, metric.kind());
    assertTrue(metric.getMessage().contains("metric 'auc_rock' does not exist"), metric.getMessage());
  }

  @Test
  void multiclassAndRegressionModelsGetTheirOwnMetricsAndPlots() throws Exception {
    RunContext multi = SharedSpark.context(pipeline("{accuracy: {min: 0.5}, macro_f1: {min: 0.3}}",
        "http://127.0.0.1:1", "m").replace("params:", "task: multiclass\n  params:"), "2020-02-01");
    writeTrainingSet(multi, "LEAST(FLOOR(x * 3), 2)");
    multi.runStage(new TrainStage());
    Evaluation m = new ModelDirectory(Path.of(multi.runStage(new EvaluateStage()).output(TrainStage.MODEL_DIR)))
        .readJson(ModelDirectory.EVALUATION, Evaluation.class);
    assertEquals(dev.lakeforge.core.config.TaskKind.MULTICLASS, m.task());
    assertEquals(List.of("0", "1", "2"), m.classes());
    assertEquals(120, java.util.Arrays.stream(m.confusion()).flatMapToLong(java.util.Arrays::stream).sum());
    assertTrue(m.metrics().get("accuracy") > 0.9, "the class is a function of x: " + m.metrics());
    assertTrue(m.plots().contains("confusion.png"));

    RunContext regression = SharedSpark.context(pipeline("{rmse: {max: 2.0}, r2: {min: 0.5}}",
        "http://127.0.0.1:1", "m").replace("params:", "task: regression\n  params:"), "2020-02-01");
    writeTrainingSet(regression, "10 * x + u");
    regression.runStage(new TrainStage());
    Evaluation r = new ModelDirectory(Path.of(regression.runStage(new EvaluateStage())
        .output(TrainStage.MODEL_DIR))).readJson(ModelDirectory.EVALUATION, Evaluation.class);
    assertEquals(120.0, r.metrics().get("rows"));
    assertTrue(r.metrics().get("r2") > 0.8, "label is 10x plus uniform noise: " + r.metrics());
    assertTrue(r.plots().contains("predicted_vs_actual.png"));
    assertEquals(List.of(30.0, 30.0, 30.0), r.slices().stream().map(sl -> sl.metrics().get("rows")).toList());
  }
}
