package dev.lakeforge.training;

import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.error.Errors;
import java.io.IOException;
import dev.lakeforge.core.storage.Storage;
import java.nio.file.Path;
import java.util.List;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassificationModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/** Loading and applying the Spark model of any trainer. */
public final class SparkModels {
  /** The assembled input column; not a feature name users can collide with. */
  public static final String FEATURE_VECTOR = "_features";
  public static final String PREDICTION = "prediction";
  public static final String PROBABILITY = "probability";

  private SparkModels() {}

  /**
   * Adds {@link #FEATURE_VECTOR}: the features in model order as a dense vector, null as NaN (XGBoost's missing).
   * array_to_vector always builds dense vectors, unlike VectorAssembler, whose sparse output would turn 0 into
   * missing. MLlib pipelines ignore this column and impute from the raw columns.
   */
  public static Dataset<Row> withFeatureVector(Dataset<Row> rows, List<String> features) {
    return rows.withColumn(FEATURE_VECTOR, array_to_vector(array(values(features))));
  }

  static Column[] values(List<String> features) {
    return features.stream().map(f -> coalesce(ColumnNames.column(f).cast("double"), lit(Double.NaN))).toArray(Column[]::new);
  }

  /** Scores rows holding the raw feature columns. */
  public static Dataset<Row> transform(Transformer model, Dataset<Row> rows, List<String> features) {
    return model.transform(withFeatureVector(rows, features));
  }

  /** The positive class's probability of a binary classifier's output, as a double. */
  public static Column positiveProbability() {
    return vector_to_array(col(PROBABILITY), "float64").getItem(1);
  }

  /**
   * xgboost4j-spark 3.4 reads a multi-class model back with two classes (its reader does not restore the class
   * count), so it scores every row as binary from the first class's margin. The count is in the saved params.
   */
  private static Transformer withSavedClassCount(Transformer model, int numClass) {
    if (model instanceof XGBoostClassificationModel xgb && numClass > 2 && xgb.numClasses() != numClass) {
      return xgb.copyValues(new XGBoostClassificationModel(xgb.uid(), numClass, xgb.nativeBooster(),
          Option.empty()), ParamMap.empty());
    }
    return model;
  }

  /** Loads a saved Spark model whatever its class: the class is read from the model's own metadata. */
  public static Transformer load(Path dir) {
    return load(dir.toAbsolutePath().toString());
  }

  /** As {@link #load(Path)}, from any Hadoop path (the active session's Hadoop settings reach s3a://). */
  public static Transformer load(String dir) {
    Storage storage = Storage.of(SparkSession.active().sparkContext().hadoopConfiguration());
    String metadata = metadataFile(storage, storage.resolve(dir, "metadata"));
    try {
      if (!storage.isFile(metadata)) {
        throw new IOException("no such file");
      }
      JsonNode saved = new ObjectMapper().readTree(storage.readString(metadata).lines().findFirst().orElseThrow(
          () -> new IndexOutOfBoundsException("empty")));
      if (XGBoostSparkShim.readsXGBoostModels(saved.path("class").asText())) {
        return withSavedClassCount(XGBoostSparkShim.load(storage, dir, saved),
            saved.path("paramMap").path("num_class").asInt(0));
      }
      Object model = Class.forName(saved.path("class").asText()).getMethod("load", String.class)
          .invoke(null, dir);
      return withSavedClassCount((Transformer) model, saved.path("paramMap").path("num_class").asInt(0));
    } catch (IOException | IndexOutOfBoundsException e) {
      throw Errors.inputUnreadable("Spark model", dir.toString(), "its metadata " + metadata + " is missing", e);
    } catch (ReflectiveOperationException e) {
      throw Errors.inputUnreadable("Spark model", dir.toString(), "its model class cannot be loaded: " + e, e);
    }
  }

  /**
   * The metadata's one part file: {@code part-00000} as Spark 3.5 writes it (saveAsTextFile), or Spark 4's
   * {@code part-00000-<uuid>.txt} (a text DataFrame write).
   */
  private static String metadataFile(Storage storage, String metadata) {
    String classic = storage.resolve(metadata, "part-00000");
    if (storage.isFile(classic) || !storage.isDirectory(metadata)) {
      return classic;
    }
    return storage.list(metadata).stream().filter(name -> name.startsWith("part-00000")).findFirst()
        .map(name -> storage.resolve(metadata, name)).orElse(classic);
  }
}
