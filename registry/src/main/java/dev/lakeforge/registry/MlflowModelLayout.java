package dev.lakeforge.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.lakeforge.training.ModelDirectory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Lays out a trained model as the files of an MLflow model directory: an {@code MLmodel} file with the {@code xgboost} flavor
 * (the native UBJ booster) and the {@code python_function} flavor, with an input signature, so Python users can
 * {@code mlflow.pyfunc.load_model("models:/name@champion")}.
 */
final class MlflowModelLayout {
  static final String ARTIFACT_PATH = "model";
  /** The xgboost Python package that reads the UBJ booster xgboost4j 3.4 writes. */
  static final String XGBOOST_PY = "xgboost>=3.0";

  private MlflowModelLayout() {}

  static Map<String, byte[]> files(ModelDirectory model, String mlflowRunId, String mlflowVersion) {
    return files(model, mlflowRunId, mlflowVersion, null, ARTIFACT_PATH);
  }

  /**
   * @param modelId      the MLflow 3 logged model the layout is uploaded to, or null for a run's artifacts
   * @param artifactPath where the layout lives: {@code model} in the run, or the logged model's artifact URI
   */
  static Map<String, byte[]> files(ModelDirectory model, String mlflowRunId, String mlflowVersion, String modelId,
      String artifactPath) {
    ModelDirectory.Info info = model.info();
    ObjectMapper json = new ObjectMapper();
    ArrayNode inputs = json.createArrayNode();
    info.features().forEach(f -> inputs.addObject().put("type", "double").put("name", f).put("required", true));
    String mlmodel = """
        artifact_path: %s
        flavors:
          python_function:
            data: %s
            env:
              virtualenv: python_env.yaml
            loader_module: mlflow.xgboost
            python_version: 3.11.7
          xgboost:
            code: null
            data: %s
            model_class: xgboost.core.Booster
            model_format: ubj
            xgb_version: 3.0.0
        mlflow_version: %s
        %smodel_uuid: %s
        run_id: %s
        signature:
          inputs: '%s'
          outputs: null
          params: null
        utc_time_created: '%s'
        """.formatted(artifactPath, ModelDirectory.BOOSTER_UBJ, ModelDirectory.BOOSTER_UBJ, mlflowVersion,
        modelId == null ? "" : "model_id: " + modelId + "\n", modelId == null ? UUID.randomUUID().toString()
            .replace("-", "") : modelId, mlflowRunId, inputs.toString().replace("'", "''"),
        Instant.now().toString().replace("T", " ").replace("Z", ""));
    // Built in memory and uploaded from there: nothing of it is written to the driver's disk or the model directory.
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("MLmodel", utf8(mlmodel));
    // What loading needs: an MLflow that reads this MLmodel format (written as mlflowVersion writes it) and the
    // XGBoost that reads the booster; pinning one MLflow would warn every user of a newer one.
    files.put("requirements.txt", utf8("mlflow>=" + mlflowVersion + "\n" + XGBOOST_PY + "\n"));
    files.put("python_env.yaml", utf8("""
        python: 3.11.7
        build_dependencies:
        - pip
        dependencies:
        - -r requirements.txt
        """));
    files.put(ModelDirectory.BOOSTER_UBJ, model.storage().read(model.file(ModelDirectory.BOOSTER_UBJ)));
    return files;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
