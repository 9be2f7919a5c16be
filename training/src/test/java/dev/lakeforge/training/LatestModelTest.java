package dev.lakeforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunManifests;
import dev.lakeforge.core.run.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Evaluate and register take the model of whichever of train and sweep finished later, by the run manifests. */
class LatestModelTest {
  static StageResult result(String stage, String modelDir, String finishedAt) {
    return new StageResult(stage, "run-" + stage, "2026-12-01", "hash", "rev", List.of(), List.of(), Map.of(),
        modelDir == null ? Map.of() : Map.of(TrainStage.MODEL_DIR, modelDir), 1, finishedAt);
  }

  @Test
  void theStageThatFinishedLaterWinsWhateverTheFilesTimes() throws Exception {
    Path state = Files.createTempDirectory("state");
    Path trainModel = Files.createDirectories(state.resolve("models/train"));
    Path sweepModel = Files.createDirectories(state.resolve("models/sweep"));
    RunManifests manifests = new RunManifests(state, "toy", "2026-12-01");
    assertThrows(LakeforgeException.class, () -> ModelStore.latestTraining(manifests), "nothing trained yet");

    manifests.save(result("train", trainModel.toString(), "2026-12-01T10:00:00Z"));
    manifests.save(result("sweep", sweepModel.toString(), "2026-12-01T10:05:00.25Z"));
    // The train model's files written last (copied back, restored from a backup): the manifests still decide.
    Files.writeString(trainModel.resolve(ModelDirectory.INFO), "{}");
    Files.setLastModifiedTime(trainModel.resolve(ModelDirectory.INFO), FileTime.from(Instant.now().plusSeconds(3600)));
    assertEquals(sweepModel.toString(), ModelStore.latestTraining(manifests).output(TrainStage.MODEL_DIR));

    manifests.save(result("train", trainModel.toString(), "2026-12-01T10:05:00.3Z"));
    assertEquals(trainModel.toString(), ModelStore.latestTraining(manifests).output(TrainStage.MODEL_DIR));
  }

  @Test
  void aManifestWrittenBeforeFinishTimesCountsAsOldest() throws Exception {
    Path state = Files.createTempDirectory("state");
    RunManifests manifests = new RunManifests(state, "toy", "2026-12-01");
    manifests.save(result("sweep", "/models/sweep", "2026-12-01T09:00:00Z"));
    // A train manifest as written before finishedAt existed: the field is absent.
    manifests.storage().writeString(manifests.storage().resolve(manifests.dir(), "train.json"), "{\"stage\": \"train\", \"runId\": \"r\", \"runDate\": \"2026-12-01\", \"configHash\": \"h\", "
        + "\"gitRevision\": \"g\", \"reads\": [], \"writes\": [], \"metrics\": {}, "
        + "\"outputs\": {\"model_dir\": \"/models/train\"}, \"millis\": 5}");
    assertEquals(Instant.EPOCH, manifests.require("train", "model").finished());
    assertEquals("/models/sweep", ModelStore.latestTraining(manifests).output(TrainStage.MODEL_DIR));

    manifests.save(result("sweep", null, "2026-12-01T09:00:00Z")); // a sweep that saved no model does not count
    assertEquals("/models/train", ModelStore.latestTraining(manifests).output(TrainStage.MODEL_DIR));
    assertTrue(ModelStore.latestTraining(manifests).finished().equals(Instant.EPOCH));
  }
}
