package dev.lakeforge.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.storage.Storage;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.TrainStage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The evaluate test's toy pipeline (train, then evaluate with report, plots, slices and gates) with {@code lake.state}
 * and {@code lake.models} on s3a://, against the S3-compatible server scripts/test.sh starts: the same model and
 * metrics as with both on the local disk, every file in the bucket, and nothing written under the working directory
 * or beside the local lake.
 */
class S3StateIT {
  static final String ENDPOINT = require("LAKEFORGE_S3_ENDPOINT");
  static final String BUCKET = require("LAKEFORGE_S3_BUCKET");

  @Test
  void statesModelsAndReportsOnS3GiveTheSameResultsAndNothingLocal() throws Exception {
    String gates = "{auc_roc: {min: 0.6}, log_loss: {max: 0.7}}";
    RunContext local = SharedSpark.context(EvaluateStageTest.pipeline(gates, "http://127.0.0.1:1", "m"),
        "2020-02-01");
    Run expected = run(local);

    Map<String, String> before = snapshot(Path.of("").toAbsolutePath());
    Path tmp = Files.createTempDirectory("lakeforge-s3-state");
    String base = "s3a://" + BUCKET + "/s3-state-it/" + UUID.randomUUID();
    String yaml = EvaluateStageTest.PIPELINE
        .replace("lake: {root: \"${TMP}/lake\", state: \"${TMP}/state\", models: \"${TMP}/models\"}",
            "lake: {s3: {endpoint: \"" + ENDPOINT + "\"}, root: \"${TMP}/lake\", state: \"" + base + "/state\", "
                + "models: \"" + base + "/models\"}")
        .replace("${TMP}", tmp.toString()).replace("GATES", gates).replace("TRACKING", "http://127.0.0.1:1")
        .replace("MODEL", "m");
    assertTrue(yaml.contains(base + "/state"), "the pipeline's lake section was rewritten");
    RunContext onS3 = SharedSpark.context(yaml, "2020-02-01");
    Run actual = run(onS3);

    assertEquals(expected.metrics(), actual.metrics(), "the same evaluation");
    assertArrayEquals(expected.booster(), actual.booster(), "the same booster, byte for byte");
    assertTrue(actual.modelDir().startsWith(base + "/models/toy/"), actual.modelDir());
    assertTrue(actual.report().startsWith(actual.modelDir() + "/evaluation/"), actual.report());
    Storage s3 = onS3.storage();
    assertTrue(s3.readString(actual.report()).contains(">blessed<"));
    assertTrue(s3.isFile(actual.modelDir() + "/evaluation/roc.png"));
    assertTrue(s3.isDirectory(actual.modelDir() + "/" + ModelDirectory.SPARK_MODEL));
    assertEquals(java.util.List.of("evaluate.json", "train.json"), s3.list(base + "/state/toy/2020-02-01"));
    assertTrue(onS3.manifests().dir().startsWith("s3a://"), onS3.manifests().dir());

    assertEquals(before, snapshot(Path.of("").toAbsolutePath()), "nothing written under the working directory");
    assertFalse(Files.exists(tmp.resolve("state")), "no local run state");
    assertFalse(Files.exists(tmp.resolve("models")), "no local model directory");
  }

  record Run(Map<String, Double> metrics, byte[] booster, String modelDir, String report) {}

  static Run run(RunContext ctx) {
    EvaluateStageTest.writeTrainingSet(ctx, "CAST(u < x AS DOUBLE)");
    ctx.runStage(new TrainStage());
    StageResult evaluated = ctx.runStage(new EvaluateStage());
    assertEquals("true", evaluated.output(EvaluateStage.BLESSED));
    ModelDirectory dir = new ModelDirectory(ctx.storage(), evaluated.output(TrainStage.MODEL_DIR));
    Evaluation e = dir.readJson(ModelDirectory.EVALUATION, Evaluation.class);
    assertNotNull(e.metrics().get("auc_roc"));
    return new Run(new TreeMap<>(e.metrics()), ctx.storage().read(dir.file(ModelDirectory.BOOSTER_UBJ)), dir.root(),
        evaluated.output(EvaluateStage.REPORT));
  }

  /**
   * Every file under {@code dir} with its size and modification time, but the reports the build tool itself writes
   * while tests run.
   */
  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(Files::isRegularFile)
          .filter(f -> !f.startsWith(dir.resolve("target/failsafe-reports"))
              && !f.startsWith(dir.resolve("target/surefire-reports")))
          .forEach(f -> {
            try {
              out.put(dir.relativize(f).toString(), Files.size(f) + "@" + Files.getLastModifiedTime(f).toMillis());
            } catch (IOException e) {
              out.put(dir.relativize(f).toString(), "gone");
            }
          });
    }
    return out;
  }

  private static String require(String name) {
    String value = System.getenv(name);
    assertNotNull(value, name + " is not set: run through scripts/test.sh, which starts the S3 server");
    return value;
  }
}
