package dev.lakeforge.training;

import ml.dmlc.xgboost4j.scala.spark.XGBoostModel;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;

/**
 * Where xgboost4j-spark, built against Spark 3.5, trips on Spark 4 (a shim; nothing happens on Spark 3.5).
 *
 * <p>Saving a model writes every param's default through {@code Param.jsonEncode}. The defaults of
 * {@code customObj} and {@code customEval} (both null: Lakeforge never sets them) encode with json4s 3.7's
 * {@code Extraction.decompose}, whose signature json4s 4 (Spark 4) changed: the save dies with
 * {@code NoSuchMethodError}. On Spark 4 those two defaults are dropped from the model before it is written; loading
 * sets them again, so the saved model reads back the same.
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
}
