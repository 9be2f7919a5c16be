package dev.lakeforge.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The files a training run leaves on disk, enough to evaluate, register or score without retraining:
 * {@code spark/} (the Spark model), {@code model.ubj} and {@code model.json} (the native booster),
 * {@code model-info.json} and {@code importance.json}.
 */
public record ModelDirectory(Path root) {
  public static final String SPARK_MODEL = "spark";
  public static final String BOOSTER_UBJ = "model.ubj";
  public static final String BOOSTER_JSON = "model.json";
  public static final String INFO = "model-info.json";
  public static final String IMPORTANCE = "importance.json";
  public static final String EVALUATION = "evaluation.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What the model is: its inputs in order, where its training data came from, and how it was trained.
   *
   * @param trainingSet the feature table and exact Delta version trained on
   */
  public record Info(String algorithm, List<String> features, String label, String eventTime, String trainingSet,
      Map<String, Object> params, Map<String, String> split, long trainingRows, String runId, String configHash) {}

  public Path sparkModel() {
    return root.resolve(SPARK_MODEL);
  }

  public Path file(String name) {
    return root.resolve(name);
  }

  public void writeJson(String name, Object value) {
    try {
      Files.createDirectories(root);
      JSON.writeValue(root.resolve(name).toFile(), value);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + root.resolve(name), e);
    }
  }

  public <T> T readJson(String name, Class<T> type) {
    try {
      return JSON.readValue(root.resolve(name).toFile(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + root.resolve(name), e);
    }
  }

  public Info info() {
    return readJson(INFO, Info.class);
  }
}
