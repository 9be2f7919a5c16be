package dev.lakeforge.training;

import dev.lakeforge.core.error.Errors;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.FloatParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * Sets config params (snake_case, as in XGBoost's and Spark's docs) on a Spark ML estimator through its own
 * {@link Param}s, so names, types and ranges are checked by the estimator's definitions, with its docs in the
 * message, before any data is read.
 */
final class EstimatorParams {
  private EstimatorParams() {}

  /** {@code max_depth} → {@code maxDepth}; a name without underscores stays as it is. */
  static String camel(String snake) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Sets every param. Names are the estimator's own params in snake_case (or an {@code aliases} key), except
   * {@code wiring}: columns, workers and device stay Lakeforge's to set. Anything else ends with exit 2.
   */
  static void apply(Params estimator, Map<String, Object> params, Set<String> wiring, Map<String, String> aliases,
      String algorithm) {
    for (Map.Entry<String, Object> entry : new TreeMap<>(params).entrySet()) {
      String name = entry.getKey();
      String key = "training.params." + name;
      String sparkName = sparkName(estimator, name, aliases);
      if (wiring.contains(camel(sparkName)) || !estimator.hasParam(sparkName)) {
        throw Errors.configInvalid("training.params", "'" + name + "' is not a parameter of " + algorithm
            + "; known: " + String.join(", ", tunable(estimator, wiring, aliases)));
      }
      Param<Object> param = estimator.getParam(sparkName);
      Object value = convert(param, entry.getValue(), key);
      if (!Boolean.TRUE.equals(param.isValid().apply(value))) {
        throw Errors.configInvalid(key, "value " + entry.getValue() + " is out of range (" + param.doc() + ")");
      }
      estimator.set(param, value);
    }
  }

  /**
   * The estimator's param for a config name: MLlib names params in camelCase, xgboost4j-spark mostly in XGBoost's
   * own snake_case.
   */
  static String sparkName(Params estimator, String name, Map<String, String> aliases) {
    if (aliases.containsKey(name)) {
      return aliases.get(name);
    }
    return estimator.hasParam(name) ? name : camel(name);
  }

  /** Sets a param Lakeforge owns, by its config name. */
  static void setOwn(Params estimator, String name, Object value) {
    estimator.set(estimator.getParam(sparkName(estimator, name, Map.of())), value);
  }

  /** The params users may set, by their config names. */
  static List<String> tunable(Params estimator, Set<String> wiring, Map<String, String> aliases) {
    Map<String, String> byParam = new TreeMap<>();
    aliases.forEach((config, spark) -> byParam.put(spark, config));
    return Arrays.stream(estimator.params())
        .map(Param::name)
        .filter(n -> !wiring.contains(camel(n)))
        .map(n -> byParam.getOrDefault(n, snake(n)))
        .sorted()
        .toList();
  }

  private static Object convert(Param<?> param, Object value, String key) {
    try {
      if (param instanceof IntParam) {
        return Math.toIntExact(integral(value, key));
      } else if (param instanceof LongParam) {
        return integral(value, key);
      } else if (param instanceof DoubleParam) {
        return number(value).doubleValue();
      } else if (param instanceof FloatParam) {
        return number(value).floatValue();
      } else if (param instanceof BooleanParam) {
        if (value instanceof Boolean b) {
          return b;
        }
        throw Errors.configInvalid(key, "expects true or false, got '" + value + "'");
      } else if (param instanceof StringArrayParam) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toArray(String[]::new)
            : Arrays.stream(String.valueOf(value).split(",")).map(String::trim).toArray(String[]::new);
      }
      return String.valueOf(value);
    } catch (NumberFormatException | ArithmeticException e) {
      throw Errors.configInvalid(key, "expects a number, got '" + value + "'");
    }
  }

  private static long integral(Object value, String key) {
    Number n = number(value);
    if (n.doubleValue() != Math.rint(n.doubleValue())) {
      throw Errors.configInvalid(key, "expects an integer, got " + value);
    }
    return n.longValue();
  }

  private static Number number(Object value) {
    return value instanceof Number n ? n : Double.valueOf(String.valueOf(value));
  }
}
