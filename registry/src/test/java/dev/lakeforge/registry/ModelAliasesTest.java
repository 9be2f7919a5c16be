package dev.lakeforge.registry;

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
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Aliases against the real MLflow server scripts/test.sh starts. */
class ModelAliasesTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"MLFLOW_TRACKING_URI", "MLFLOW_COMPAT_TRACKING_URI"})
  void setMoveAndDeleteAliasesAndRefuseAnUnblessedVersionUnlessForced(String server) {
    String tracking = System.getenv(server);
    assumeTrue(tracking != null, "needs the MLflow servers scripts/test.sh starts (" + RegisterStageTest.SERVERS
        + ")");
    String model = "alias_test_" + System.nanoTime();
    MlflowClient mlflow = new MlflowClient(new RegistryConfig(tracking, "lakeforge-tests", model, null, 2, 10L),
        Map.of());
    mlflow.ensureRegisteredModel(model, "test");
    String blessed = version(mlflow, model, "true", null);
    String rejected = version(mlflow, model, "false", "auc_roc = 0.61 is 0.01 worse than the champion");
    ModelAliases aliases = new ModelAliases(mlflow, model);

    assertEquals(Optional.empty(), aliases.get("champion"));
    assertEquals(Optional.empty(), aliases.set("champion", blessed, false), "new alias");
    assertEquals(Optional.of(blessed), aliases.get("champion"));

    LakeforgeException refused = assertThrows(LakeforgeException.class,
        () -> aliases.set("champion", rejected, false));
    assertEquals(ErrorKind.MODEL_GATE, refused.kind());
    assertTrue(refused.getMessage().contains("its evaluation did not bless it (lakeforge.blessed = false: auc_roc = "
        + "0.61 is 0.01 worse than the champion); pass --force"), refused.getMessage());
    assertEquals(Optional.of(blessed), aliases.get("champion"), "a refused move leaves the alias where it was");

    assertEquals(Optional.of(blessed), aliases.set("champion", rejected, true), "forced: moved from the first");
    assertEquals(Optional.of(rejected), aliases.get("champion"));
    assertTrue(aliases.delete("champion"));
    assertEquals(Optional.empty(), aliases.get("champion"));
    assertFalse(aliases.delete("champion"), "deleting twice is not an error");

    LakeforgeException unknown = assertThrows(LakeforgeException.class, () -> aliases.set("champion", "99", true));
    assertEquals(ErrorKind.USAGE, unknown.kind());
    assertTrue(unknown.getMessage().contains("the registry has no version 99"), unknown.getMessage());
  }

  private static String version(MlflowClient mlflow, String model, String blessed, String reasons) {
    String experiment = mlflow.experimentId("lakeforge-tests");
    Map<String, String> tags = reasons == null ? Map.of(ModelAliases.TAG_BLESSED, blessed)
        : Map.of(ModelAliases.TAG_BLESSED, blessed, "lakeforge.gate_reasons", reasons);
    JsonNode run = mlflow.createRun(experiment, model, tags);
    String runId = run.path("info").path("run_id").asText();
    mlflow.finishRun(runId);
    return mlflow.createModelVersion(model, run.path("info").path("artifact_uri").asText() + "/model", runId,
        "test", Map.of()).path("version").asText();
  }
}
