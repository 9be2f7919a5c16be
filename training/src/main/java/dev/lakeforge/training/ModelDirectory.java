package dev.lakeforge.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.spark.ml.util.MLWritable;

/**
 * The files a training run leaves on disk, enough to evaluate, register or score without retraining:
 * {@code spark/} (the Spark model), {@code model.ubj} and {@code model.json} (the native booster),
 * {@code model-info.json}, {@code importance.json} and {@code curves.json}. MLlib models have no booster files.
 * The directory is a Hadoop path ({@code lake.models} may be {@code s3a://...}); a directory counts once a run
 * manifest names it, which is written after every file here.
 *
 * @param root the directory, qualified ({@link Storage#qualify}): an absolute local path or a URI
 */
public record ModelDirectory(Storage storage, String root) {
  public static final String SPARK_MODEL = "spark";
  public static final String BOOSTER_UBJ = "model.ubj";
  public static final String BOOSTER_JSON = "model.json";
  public static final String INFO = "model-info.json";
  public static final String IMPORTANCE = "importance.json";
  public static final String EVALUATION = "evaluation.json";
  public static final String CURVES = "curves.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What the model is: its inputs in order, where its training data came from, and how it was trained.
   *
   * @param task          binary, multiclass or regression
   * @param featureTypes  each feature's Spark SQL type, in feature order
   * @param trainingSet   the training set table and exact Delta version trained on
   * @param params        every param the algorithm ran with, defaults included
   * @param device        cpu or cuda
   * @param bestIteration the 0-based round early stopping found best (the saved model ends with it), or null
   * @param roundsTrained boosting rounds trained (XGBoost: the length of curves.json's lists; GBT's curves cover the
   *                      kept rounds only, Spark drops the rest), or null for models without rounds
   * @param roundsKept    boosting rounds in the saved model, what every consumer (Spark model, model.ubj,
   *                      model.json, the Spark-free scorer, pyfunc) predicts with: bestIteration + 1 after early
   *                      stopping; null for models without rounds
   * @param classes       classification: the label value of each class index (class i predicts classes[i]; labels
   *                      1, 2, 3 are classes 0, 1, 2), learnt on the training split; null for regression and for
   *                      models saved before it was recorded (class i is label i)
   */
  public record Info(String algorithm, TaskKind task, List<String> features, List<String> featureTypes, String label,
      String eventTime, String trainingSet, Map<String, Object> params, Map<String, Object> split, long trainingRows,
      long validationRows, String device, Integer bestIteration, String runId, String configHash,
      Integer roundsTrained, Integer roundsKept, LabelClasses classes) {}

  public ModelDirectory {
    root = storage.qualify(root);
  }

  /** The model directory at {@code location} on any Hadoop path, e.g. a run manifest's {@code model_dir}. */
  public ModelDirectory(Storage storage, Path location) {
    this(storage, location.toAbsolutePath().toString());
  }

  /** A model directory on the local disk (tools and tests without a session). */
  public ModelDirectory(Path root) {
    this(Storage.local(), root);
  }

  public String sparkModel() {
    return file(SPARK_MODEL);
  }

  public String file(String name) {
    return storage.resolve(root, name);
  }

  /** Whether the file {@code name} is in the directory. */
  public boolean has(String name) {
    return storage.isFile(file(name));
  }

  /** Writes a JSON file in one commit, so a reader sees the whole file or the previous one. */
  public void writeJson(String name, Object value) {
    try {
      storage.commit(file(name), JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file(name), e);
    }
  }

  public <T> T readJson(String name, Class<T> type) {
    try {
      return JSON.readValue(storage.read(file(name)), type);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file(name), e);
    }
  }

  public <T> T readJson(String name, com.fasterxml.jackson.core.type.TypeReference<T> type) {
    try {
      return JSON.readValue(storage.read(file(name)), type);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file(name), e);
    }
  }

  /** Writes the Spark model, the booster files (XGBoost), importance and curves. */
  public void save(TrainedModel model) {
    try {
      XGBoostSparkShim.beforeSave(model.sparkModel());
      ((MLWritable) model.sparkModel()).write().overwrite().save(sparkModel());
      if (model.booster() != null) {
        // The booster's bytes straight to the store: no local model file to clean up.
        storage.write(file(BOOSTER_UBJ), model.booster().toByteArray("ubj"));
        storage.write(file(BOOSTER_JSON), model.booster().toByteArray("json"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write model to " + root, e);
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost could not serialize the booster: " + e.getMessage(), e);
    }
    writeJson(IMPORTANCE, model.importance());
    writeJson(CURVES, model.curves());
  }

  public Info info() {
    return readJson(INFO, Info.class);
  }
}
