package dev.lakeforge.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.core.mlflow.ModelUri;
import dev.lakeforge.training.ModelDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A registered model version as a local model directory. The version's run records where the model was trained
 * ({@link #TAG_MODEL_DIR}); when that directory is not on this machine, the run's Spark model and Lakeforge files
 * are downloaded once into {@code <cacheRoot>/<name>-v<version>} (into a temporary directory first, so an
 * interrupted download is never taken for a model).
 *
 * @param label e.g. "flights_delay@champion (v3)" or "flights_delay/3"
 */
public record RegisteredModel(String name, String version, String runId, String label, ModelDirectory directory) {
  /** The run tag that records the trained model's directory; the register stage writes it. */
  public static final String TAG_MODEL_DIR = "lakeforge.model_dir";

  /** The version an alias points at, or empty when the model or the alias does not exist (yet). */
  public static Optional<RegisteredModel> byAlias(MlflowClient mlflow, String name, String alias, Path cacheRoot) {
    return mlflow.versionByAlias(name, alias).map(v -> local(mlflow, name, v,
        name + "@" + alias + " (v" + v.path("version").asText() + ")", cacheRoot));
  }

  /** The model a URI names; an unknown model, alias or version is exit 2. */
  public static RegisteredModel resolve(MlflowClient mlflow, ModelUri uri, Path cacheRoot) {
    JsonNode version = uri.require(mlflow);
    String label = uri.alias() != null
        ? uri.name() + "@" + uri.alias() + " (v" + version.path("version").asText() + ")"
        : uri.name() + "/" + uri.version();
    return local(mlflow, uri.name(), version, label, cacheRoot);
  }

  private static RegisteredModel local(MlflowClient mlflow, String name, JsonNode version, String label,
      Path cacheRoot) {
    String number = version.path("version").asText();
    String runId = version.path("run_id").asText();
    JsonNode run = mlflow.getRun(runId);
    for (JsonNode tag : run.path("data").path("tags")) {
      if (tag.path("key").asText().equals(TAG_MODEL_DIR)) {
        ModelDirectory trained = new ModelDirectory(Path.of(tag.path("value").asText()));
        if (Files.isRegularFile(trained.file(ModelDirectory.INFO)) && Files.isDirectory(trained.sparkModel())) {
          return new RegisteredModel(name, number, runId, label, trained);
        }
      }
    }
    ModelDirectory cached = new ModelDirectory(cacheRoot.resolve(name + "-v" + number));
    if (!Files.isRegularFile(cached.file(ModelDirectory.INFO))) {
      download(mlflow, run.path("info").path("artifact_uri").asText(), cached.root(), label);
    }
    return new RegisteredModel(name, number, runId, label, cached);
  }

  private static void download(MlflowClient mlflow, String artifactUri, Path target, String label) {
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try {
      deleteRecursively(partial);
      mlflow.downloadDirectory(artifactUri, "spark-model", partial.resolve(ModelDirectory.SPARK_MODEL));
      mlflow.downloadDirectory(artifactUri, "lakeforge", partial);
      if (!Files.isRegularFile(partial.resolve(ModelDirectory.INFO))) {
        throw Errors.usage("Cannot read " + label + ": its run has no lakeforge/" + ModelDirectory.INFO
            + " artifact", "register the model again with `lakeforge register --from <model dir>`");
      }
      deleteRecursively(target);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot store the downloaded model in " + target, e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
