package dev.lakeforge.core.testing;

/**
 * The part every test pipeline shares, so a test writes only the sections it is about: a lake under {@code ${TMP}}
 * (replaced by {@link SharedSpark#context} or by the test), one Parquet source {@code raw}, a registry nobody
 * listens on (tests that need MLflow set {@code registry.tracking_uri}) and an export folder.
 */
public final class ToyPipeline {
  private ToyPipeline() {}

  /**
   * @param pipeline the pipeline's name
   * @param sections YAML top-level sections (training_sets, training, drift, ...), each starting in column 0
   */
  public static String around(String pipeline, String sections) {
    return """
        pipeline: %s
        lake: {root: "${TMP}/lake", state: "${TMP}/state", models: "${TMP}/models"}
        sources: {raw: {format: parquet, path: "${TMP}/raw"}}
        %s
        registry: {tracking_uri: "http://127.0.0.1:1", experiment: lakeforge-tests, model_name: m}
        scoring: {output: "${TMP}/out"}
        """.formatted(pipeline, sections.strip());
  }
}
