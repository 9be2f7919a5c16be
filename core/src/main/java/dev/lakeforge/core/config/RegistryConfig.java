package dev.lakeforge.core.config;

/**
 * MLflow tracking and registry. Credentials never live here: MLFLOW_TRACKING_TOKEN or
 * MLFLOW_TRACKING_USERNAME/PASSWORD come from the environment.
 *
 * @param trackingUri     MLflow server, e.g. http://127.0.0.1:5000
 * @param experiment      experiment name, created if absent
 * @param modelName       registered model name
 * @param alias           alias moved to each blessed version
 * @param maxAttempts     attempts per call on connection errors, 429 and 5xx
 * @param initialBackoffMs first retry delay; doubles each attempt
 */
public record RegistryConfig(String trackingUri, String experiment, String modelName, String alias,
    Integer maxAttempts, Long initialBackoffMs) {
  public RegistryConfig {
    Require.present(trackingUri, "tracking_uri");
    Require.present(experiment, "experiment");
    Require.present(modelName, "model_name");
    alias = Require.orDefault(alias, "champion");
    maxAttempts = Require.orDefault(maxAttempts, 4);
    initialBackoffMs = Require.orDefault(initialBackoffMs, 500L);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("key 'max_attempts' must be at least 1");
    }
  }
}
