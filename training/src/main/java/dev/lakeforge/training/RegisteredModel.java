package dev.lakeforge.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.core.mlflow.ModelUri;
import dev.lakeforge.core.mlflow.RegistryCache;
import dev.lakeforge.core.storage.Storage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A registered model version as a model directory. The version's run records where the model was trained
 * ({@link #TAG_MODEL_DIR}, any Hadoop path); when that directory cannot be read here, the run's Spark model and
 * Lakeforge files are downloaded once into {@code cacheRoot} ({@link RegistryCache}: keyed by the tracking server, name, version
 * and run id, and verified on use, so another server's or a re-created model's "v1" is never taken for this one).
 *
 * @param label e.g. "flights_delay@champion (v3)" or "flights_delay/3"
 */
public record RegisteredModel(String name, String version, String runId, String label, ModelDirectory directory) {
  /** The run tag that records the trained model's directory; the register stage writes it. */
  public static final String TAG_MODEL_DIR = "lakeforge.model_dir";
  /**
   * The run tag with the SHA-256 of the registered model's files ({@link #modelDigest}); a directory at
   * {@link #TAG_MODEL_DIR} is used only while it still holds those files (a retrain into the same directory, or
   * another machine's path, must not stand in for the registered model).
   */
  public static final String TAG_MODEL_SHA256 = "lakeforge.model_sha256";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RegisteredModel.class);

  /** The digest of what scoring reads from a model directory: model-info.json and the Spark model. */
  public static String modelDigest(ModelDirectory dir) {
    return RegistryCache.digest(dir.storage(), dir.root(), List.of(ModelDirectory.INFO, ModelDirectory.SPARK_MODEL));
  }

  /**
   * The version an alias points at, or empty when the registry answered that the model or the alias does not exist
   * (yet); a registry that cannot be read is an error (exit 5, or 2 for a wrong URL), never "no champion".
   */
  public static Optional<RegisteredModel> byAlias(MlflowClient mlflow, String name, String alias, Storage storage,
      String cacheRoot) {
    return mlflow.versionByAlias(name, alias).map(v -> local(mlflow, name, v,
        name + "@" + alias + " (v" + v.path("version").asText() + ")", storage, cacheRoot));
  }

  /** As {@link #byAlias(MlflowClient, String, String, Storage, String)} with the cache on the local disk. */
  public static Optional<RegisteredModel> byAlias(MlflowClient mlflow, String name, String alias, Path cacheRoot) {
    return byAlias(mlflow, name, alias, Storage.local(), cacheRoot.toAbsolutePath().toString());
  }

  /** The model a URI names; an unknown model, alias or version is exit 2. */
  public static RegisteredModel resolve(MlflowClient mlflow, ModelUri uri, Storage storage, String cacheRoot) {
    JsonNode version = uri.require(mlflow);
    String label = uri.alias() != null
        ? uri.name() + "@" + uri.alias() + " (v" + version.path("version").asText() + ")"
        : uri.name() + "/" + uri.version();
    return local(mlflow, uri.name(), version, label, storage, cacheRoot);
  }

  /** As {@link #resolve(MlflowClient, ModelUri, Storage, String)} with the cache on the local disk. */
  public static RegisteredModel resolve(MlflowClient mlflow, ModelUri uri, Path cacheRoot) {
    return resolve(mlflow, uri, Storage.local(), cacheRoot.toAbsolutePath().toString());
  }

  private static RegisteredModel local(MlflowClient mlflow, String name, JsonNode version, String label,
      Storage storage, String cacheRoot) {
    String number = version.path("version").asText();
    String runId = version.path("run_id").asText();
    JsonNode run = mlflow.getRun(runId);
    java.util.Map<String, String> tags = new java.util.HashMap<>();
    run.path("data").path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
    if (tags.containsKey(TAG_MODEL_DIR)) {
      ModelDirectory trained = new ModelDirectory(storage, tags.get(TAG_MODEL_DIR));
      if (trained.has(ModelDirectory.INFO) && storage.isDirectory(trained.sparkModel())) {
        String registered = tags.get(TAG_MODEL_SHA256);
        // Runs registered before the digest existed carry none: their directory is trusted as it always was.
        if (registered == null || registered.equals(modelDigest(trained))) {
          return new RegisteredModel(name, number, runId, label, trained);
        }
        LOG.warn("{} no longer holds the files of {} (run {}); using the registry's copy", trained.root(), label,
            runId);
      }
    }
    String artifactUri = run.path("info").path("artifact_uri").asText();
    RegistryCache.Source source = new RegistryCache.Source(mlflow.base().toString(), name, number, runId,
        List.of("spark-model", "lakeforge"));
    String copy = RegistryCache.fetch(storage, cacheRoot, source,
        partial -> download(mlflow, artifactUri, storage, partial, label));
    return new RegisteredModel(name, number, runId, label, new ModelDirectory(storage, copy));
  }

  private static void download(MlflowClient mlflow, String artifactUri, Storage storage, String partial,
      String label) {
    mlflow.downloadDirectory(artifactUri, "spark-model", storage, storage.resolve(partial, ModelDirectory.SPARK_MODEL));
    mlflow.downloadDirectory(artifactUri, "lakeforge", storage, partial);
    if (!storage.isFile(storage.resolve(partial, ModelDirectory.INFO))) {
      throw Errors.usage("Cannot read " + label + ": its run has no lakeforge/" + ModelDirectory.INFO
          + " artifact", "register the model again with `lakeforge register --from <model dir>`");
    }
  }
}
