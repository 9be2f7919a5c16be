package dev.lakeforge.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.sum;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Multi-class metrics: accuracy and log loss in one aggregation, the confusion matrix from one grouped count of
 * (actual, predicted), and from it each class's precision, recall and F1, averaged per class (macro) and by class
 * size (weighted), as Spark's MulticlassClassificationEvaluator defines them. A class with no rows in either the
 * labels or the predictions has no precision or recall at all: it gets no per-class metrics and does not count in
 * the macro means (Spark's evaluator likewise only knows the classes it sees; counting it as 0 pulled a perfect
 * model's macro F1 to 0.75 when labels 1..3 made XGBoost size the model for four classes).
 */
public final class MulticlassMetrics {
  private static final double EPS = 1e-15;

  /** @param confusion rows are the actual class, columns the predicted one, classes 0..k-1 */
  public record Result(Map<String, Double> metrics, long[][] confusion) {}

  /**
   * The metrics {@link #compute} returns for every model, by name; besides them, each class seen has
   * {@code precision_class_<label>}, {@code recall_class_<label>} and {@code f1_class_<label>} ({@link #PER_CLASS}).
   */
  static final java.util.Set<String> NAMES = java.util.Set.of("rows", "log_loss", "accuracy", "macro_precision",
      "macro_recall", "macro_f1", "weighted_precision", "weighted_recall", "weighted_f1");
  static final java.util.regex.Pattern PER_CLASS = java.util.regex.Pattern.compile("(precision|recall|f1)_class_.+");

  private MulticlassMetrics() {}

  /**
   * @param probabilityCol an array of class probabilities, class i at index i
   * @param classes        number of classes the model predicts; labels and predictions are class indices below it
   * @return the metrics (per-class ones only for classes with rows) and the classes × classes confusion matrix
   */
  public static Result compute(Dataset<Row> scored, String labelCol, String predictionCol, String probabilityCol,
      int classes) {
    return compute(scored, labelCol, predictionCol, probabilityCol, classes, null);
  }

  /**
   * @param names each class index's name for the per-class metric keys ({@code precision_class_<name>}), e.g. the
   *              label values 1, 2, 3 of classes 0, 1, 2; null names them by index
   */
  public static Result compute(Dataset<Row> scored, String labelCol, String predictionCol, String probabilityCol,
      int classes, java.util.List<String> names) {
    Column y = col(labelCol).cast("int");
    Column pTrue = least(greatest(element_at(col(probabilityCol), y.plus(1)), lit(EPS)), lit(1 - EPS));
    Row t = scored.agg(count(lit(1)), sum(log(pTrue))).head();
    long n = t.getLong(0);
    long[][] confusion = new long[classes][classes];
    for (Row r : scored.groupBy(y.as("y"), col(predictionCol).cast("int").as("p")).count().collectAsList()) {
      confusion[r.getInt(0)][r.getInt(1)] = r.getLong(2);
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("rows", (double) n);
    m.put("log_loss", -t.getDouble(1) / n);
    long correct = 0;
    double[] sums = new double[6]; // macro p, r, f1; weighted p, r, f1
    long[] actuals = new long[classes];
    long[] predictions = new long[classes];
    int present = 0;
    for (int c = 0; c < classes; c++) {
      for (int o = 0; o < classes; o++) {
        actuals[c] += confusion[c][o];
        predictions[c] += confusion[o][c];
      }
      present += actuals[c] + predictions[c] > 0 ? 1 : 0;
    }
    for (int c = 0; c < classes; c++) {
      long actual = actuals[c];
      long predicted = predictions[c];
      if (actual + predicted == 0) {
        continue;
      }
      correct += confusion[c][c];
      double precision = predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
      double recall = actual == 0 ? 0 : (double) confusion[c][c] / actual;
      double f1 = BinaryMetrics.f1(precision, recall);
      double weight = (double) actual / n;
      String name = names == null || c >= names.size() ? String.valueOf(c) : names.get(c);
      m.put("precision_class_" + name, precision);
      m.put("recall_class_" + name, recall);
      m.put("f1_class_" + name, f1);
      sums[0] += precision / present;
      sums[1] += recall / present;
      sums[2] += f1 / present;
      sums[3] += precision * weight;
      sums[4] += recall * weight;
      sums[5] += f1 * weight;
    }
    m.put("accuracy", (double) correct / n);
    m.put("macro_precision", sums[0]);
    m.put("macro_recall", sums[1]);
    m.put("macro_f1", sums[2]);
    m.put("weighted_precision", sums[3]);
    m.put("weighted_recall", sums[4]);
    m.put("weighted_f1", sums[5]);
    return new Result(m, confusion);
  }
}
