package dev.lakeforge.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.mlflow.MlflowClient;
import java.util.Optional;

/**
 * The aliases of one registered model (champion, challenger, ...): point one at a version, move it, delete it.
 * Only a version whose evaluation blessed it ({@code lakeforge.blessed=true} on its run) may be pointed at, unless
 * forced.
 */
public final class ModelAliases {
  static final String TAG_BLESSED = "lakeforge.blessed";

  private final MlflowClient mlflow;
  private final String model;

  public ModelAliases(MlflowClient mlflow, String model) {
    this.mlflow = mlflow;
    this.model = model;
  }

  /** The version the alias points at, if any. */
  public Optional<String> get(String alias) {
    return mlflow.versionByAlias(model, alias).map(v -> v.path("version").asText());
  }

  /** Points {@code alias} at {@code version}; returns the version it pointed at before, if any. */
  public Optional<String> set(String alias, String version, boolean force) {
    JsonNode v = mlflow.modelVersion(model, version).orElseThrow(() -> Errors.usage("Cannot set " + model + "@"
        + alias + ": the registry has no version " + version + " of '" + model + "'", "name a registered version"));
    if (!force) {
      String blessed = tag(mlflow.getRun(v.path("run_id").asText()), TAG_BLESSED).orElse("not evaluated");
      if (!blessed.equals("true")) {
        throw Errors.modelGate(model + "/" + version, "its evaluation did not bless it (" + TAG_BLESSED + " = "
            + blessed + tag(mlflow.getRun(v.path("run_id").asText()), "lakeforge.gate_reasons")
                .map(r -> ": " + r).orElse("") + "); pass --force to point " + alias + " at it anyway");
      }
    }
    Optional<String> before = get(alias);
    mlflow.setAlias(model, alias, version);
    return before;
  }

  /** Removes the alias; false when it did not exist. */
  public boolean delete(String alias) {
    if (get(alias).isEmpty()) {
      return false;
    }
    mlflow.deleteAlias(model, alias);
    return true;
  }

  static Optional<String> tag(JsonNode run, String key) {
    for (JsonNode tag : run.path("data").path("tags")) {
      if (tag.path("key").asText().equals(key)) {
        return Optional.of(tag.path("value").asText());
      }
    }
    return Optional.empty();
  }
}
