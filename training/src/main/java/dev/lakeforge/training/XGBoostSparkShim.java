package dev.lakeforge.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.storage.Storage;
import java.util.Iterator;
import java.util.Map;
import ml.dmlc.xgboost4j.java.XGBoostError;
import ml.dmlc.xgboost4j.scala.Booster;
import ml.dmlc.xgboost4j.scala.XGBoost;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassificationModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostRegressionModel;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import scala.Option;

/**
 * Where xgboost4j-spark, built against Spark 3.5, trips on Spark 4 (a shim; nothing happens on Spark 3.5).
 *
 * <p>Saving a model writes every param's default through {@code Param.jsonEncode}. The defaults of
 * {@code customObj} and {@code customEval} (both null: Lakeforge never sets them) encode with json4s 3.7's
 * {@code Extraction.decompose}, whose signature json4s 4 (Spark 4) changed: the save dies with
 * {@code NoSuchMethodError}. On Spark 4 those two defaults are dropped from the model before it is written; loading
 * sets them again, so the saved model reads back the same.
 *
 * <p>Loading trips the same way: xgboost4j-spark's reader takes {@code DefaultParamsReader.Metadata.params()} as a
 * json4s 3 value. On Spark 4 {@link #load} reads the model itself: the booster from {@code data/model}, the uid and
 * the params set at training from the metadata already parsed, each decoded by its own Spark param.
 */
final class XGBoostSparkShim {
  private static final boolean SPARK_4 = !org.apache.spark.package$.MODULE$.SPARK_VERSION().startsWith("3.");
  private static final String[] UNENCODABLE = {"customObj", "customEval"};

  private XGBoostSparkShim() {}

  static void beforeSave(Object sparkModel) {
    if (!SPARK_4 || !(sparkModel instanceof XGBoostModel<?> && sparkModel instanceof Model<?> model)) {
      return;
    }
    for (String name : UNENCODABLE) {
      if (model.hasParam(name)) {
        Param<Object> param = model.getParam(name);
        if (model.isSet(param)) {
          throw new IllegalStateException("Cannot save an XGBoost model with " + name + " set on Spark 4: "
              + "xgboost4j-spark_2.13 encodes it with json4s 3, which Spark 4 does not have");
        }
        model.defaultParamMap().remove(param);
      }
    }
  }

  /** True when {@link #load} must read XGBoost's Spark models instead of xgboost4j-spark's own reader. */
  static boolean readsXGBoostModels(String modelClass) {
    return SPARK_4 && (modelClass.equals(XGBoostClassificationModel.class.getName())
        || modelClass.equals(XGBoostRegressionModel.class.getName()));
  }

  /** An XGBoost Spark model saved at {@code dir} (any Hadoop path), whose metadata is {@code saved}. */
  static Transformer load(Storage storage, String dir, JsonNode saved) {
    Booster booster;
    String data = storage.resolve(dir, "data", "model");
    try {
      // From its bytes: the file may be on s3a://, not the local disk.
      booster = XGBoost.loadModel(new java.io.ByteArrayInputStream(storage.read(data)));
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost could not read the booster in " + data + ": " + e.getMessage(), e);
    }
    String uid = saved.path("uid").asText();
    JsonNode params = saved.path("paramMap");
    Model<?> model = saved.path("class").asText().equals(XGBoostRegressionModel.class.getName())
        ? new XGBoostRegressionModel(uid, booster, Option.empty())
        : new XGBoostClassificationModel(uid, Math.max(2, params.path("num_class").asInt(0)), booster,
            Option.empty());
    ParamMap set = ParamMap.empty();
    for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      if (model.hasParam(p.getKey())) {
        Param<Object> param = model.getParam(p.getKey());
        set.put(param, param.jsonDecode(p.getValue().toString()));
      }
    }
    return (Transformer) model.copy(set);
  }
}
