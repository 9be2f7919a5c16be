package dev.lakeforge.training;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.error.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;

/**
 * The label's domain per task, checked before training, and the class mapping a classifier is trained with.
 *
 * <p>XGBoost and MLlib take classes as 0..K-1 and size the model by the largest label: labels 1, 2, 3 give four
 * classes, one of them never seen. So a multiclass label's distinct values on the training split, in ascending
 * order, become classes 0..K-1; the list is recorded in model-info.json ({@code classes}: the label value of each
 * class index), applied to the label at training and evaluation and inverted on the predictions at scoring.
 */
public final class LabelClasses {
  private LabelClasses() {}

  /**
   * Checks the label's values against the task and returns the classes (label value per class index), or null for
   * regression.
   *
   * @param training   rows per label value on the training split (null labels already removed)
   * @param validation the same on the validation split
   * @param table      the training set table@version, for the message
   * @throws dev.lakeforge.core.error.LakeforgeException exit 3 naming the values found and the fix: binary labels
   *     other than 0 and 1, multiclass labels that are not whole numbers or appear in the validation split only,
   *     NaN or infinite labels for any task
   */
  public static List<Double> check(Map<Double, Long> training, Map<Double, Long> validation, String task,
      String table) {
    Map<Double, String> bad = new TreeMap<>();
    for (var split : List.of(Map.entry("training", training), Map.entry("validation", validation))) {
      split.getValue().forEach((value, rows) -> {
        if (value != null && (value.isNaN() || value.isInfinite() || outside(task, value))) {
          bad.merge(value, rows + " " + split.getKey() + " rows", (a, b) -> a + ", " + b);
        }
      });
    }
    if (!bad.isEmpty()) {
      throw Errors.labelOutsideDomain(table, task, "has " + describe(bad) + " (" + domain(task) + ")", fix(task));
    }
    if ("regression".equals(task)) {
      return null;
    }
    List<Double> classes = new ArrayList<>(new TreeSet<>(training.keySet().stream().filter(Objects::nonNull)
        .toList()));
    if ("binary".equals(task)) {
      return List.of(0.0, 1.0);
    }
    Map<Double, String> unseen = new TreeMap<>();
    validation.forEach((value, rows) -> {
      if (value != null && !classes.contains(value)) {
        unseen.put(value, rows + " validation rows");
      }
    });
    if (!unseen.isEmpty()) {
      throw Errors.labelOutsideDomain(table, task, "has classes the training split does not: " + describe(unseen)
          + " (the training split has " + names(classes) + ")", "move the split (training.split) so every class "
          + "occurs in training, or merge the rare classes in the spine's label expression");
    }
    return List.copyOf(classes);
  }

  private static boolean outside(String task, double value) {
    return switch (task) {
      case "binary" -> value != 0.0 && value != 1.0;
      case "multiclass" -> value != Math.rint(value);
      default -> false;
    };
  }

  private static String domain(String task) {
    return switch (task) {
      case "binary" -> "a binary label must be 0 or 1";
      case "multiclass" -> "a multiclass label must be a whole number per class";
      default -> "a regression label must be a finite number";
    };
  }

  private static String fix(String task) {
    return switch (task) {
      case "binary" -> "map the label to 0 and 1 in the spine's label expression (e.g. CAST(delay > 15 AS INT)), "
          + "or set training.task: multiclass for more than two classes";
      case "multiclass" -> "give each class a whole number in the spine's label expression, or set training.task: "
          + "regression for a continuous target";
      default -> "filter the rows with NaN or infinite labels in the spine's filter, or fix the label expression";
    };
  }

  private static String describe(Map<Double, String> values) {
    return "values " + values.entrySet().stream().map(e -> name(e.getKey()) + " (" + e.getValue() + ")")
        .collect(Collectors.joining(", "));
  }

  /** A label value as people write it: 3 rather than 3.0. */
  public static String name(double value) {
    return value == Math.rint(value) && !Double.isInfinite(value) ? String.valueOf((long) value)
        : String.valueOf(value);
  }

  /** The class names in class-index order, for reports; 0..k-1 when there is no recorded mapping. */
  public static List<String> names(List<Double> classes) {
    return classes.stream().map(LabelClasses::name).toList();
  }

  /** True when class i is label value i, so no mapping is needed (also for models saved before classes were). */
  public static boolean identity(List<Double> classes) {
    if (classes == null) {
      return true;
    }
    for (int i = 0; i < classes.size(); i++) {
      if (classes.get(i) != i) {
        return false;
      }
    }
    return true;
  }

  /** Label value to class index (a double, as Spark's classifiers take it); null for a value outside the classes. */
  public static Column toIndex(Column label, List<Double> classes) {
    return identity(classes) ? label.cast("double") : lookup(label, classes, indices(classes.size()));
  }

  /** Class index (a model's prediction) to label value. */
  public static Column toLabel(Column index, List<Double> classes) {
    return identity(classes) ? index.cast("double") : lookup(index, indices(classes.size()), classes);
  }

  /** {@code to[i]} where {@code key} equals {@code from[i]}, else null: one CASE chain, compiled by Spark. */
  private static Column lookup(Column key, List<Double> from, List<Double> to) {
    Column out = lit(null).cast("double");
    for (int i = from.size() - 1; i >= 0; i--) {
      out = when(key.cast("double").equalTo(from.get(i)), lit(to.get(i))).otherwise(out);
    }
    return out;
  }

  private static List<Double> indices(int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> (double) i).toList();
  }
}
