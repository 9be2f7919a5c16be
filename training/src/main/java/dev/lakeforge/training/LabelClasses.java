package dev.lakeforge.training;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.error.Errors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The label value of each class index of a classifier, learnt on the training split and checked before training.
 *
 * <p>XGBoost and MLlib take classes as 0..K-1 and size the model by the largest label: labels 1, 2, 3 give four
 * classes, one of them never seen, and a string label ({@code weather}: fog, rain, sun) is no number at all. So a
 * multiclass label's distinct values on the training split, in ascending order (numbers by value, strings by their
 * UTF-16 code units as {@link String#compareTo} orders them), become classes 0..K-1. The list is recorded in
 * model-info.json as {@code classes} (a JSON array of numbers, or of strings for a string label), applied to the
 * label at training and evaluation and inverted on the predictions at scoring, so the report, the predictions and
 * the exports show label values.
 */
public final class LabelClasses {
  private static final Logger LOG = LoggerFactory.getLogger(LabelClasses.class);

  private final List<Object> values;
  private final boolean text;

  private LabelClasses(List<Object> values, boolean text) {
    this.values = List.copyOf(values);
    this.text = text;
  }

  /**
   * The classes as model-info.json holds them.
   *
   * @throws IllegalArgumentException when numbers and strings are mixed or a value is null
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static LabelClasses of(List<?> values) {
    boolean text = !values.isEmpty() && values.get(0) instanceof String;
    List<Object> out = new ArrayList<>();
    for (Object value : values) {
      if (text && value instanceof String s) {
        out.add(s);
      } else if (!text && value instanceof Number n) {
        out.add(n.doubleValue());
      } else {
        throw new IllegalArgumentException("classes must be all numbers or all strings, found " + values);
      }
    }
    return new LabelClasses(out, text);
  }

  /** Label values per class index: Doubles for a numeric label, Strings for a string label. */
  @JsonValue
  public List<Object> values() {
    return values;
  }

  /** True for a string label. */
  public boolean text() {
    return text;
  }

  public int size() {
    return values.size();
  }

  /**
   * Checks a numeric label's values against the task and returns the classes, or null for regression.
   *
   * @param training   rows per label value on the training split (null labels already removed)
   * @param validation the same on the validation split
   * @param table      the training set table@version, for the message
   * @throws dev.lakeforge.core.error.LakeforgeException exit 3 naming the values found and the fix: binary labels
   *     other than 0 and 1, multiclass labels that are not whole numbers or appear in the validation split only,
   *     NaN or infinite labels for any task
   */
  public static LabelClasses check(Map<Double, Long> training, Map<Double, Long> validation, TaskKind task,
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
    if (task == TaskKind.REGRESSION) {
      return null;
    }
    if (task == TaskKind.BINARY) {
      return of(List.of(0.0, 1.0));
    }
    return requireSeen(new ArrayList<>(new TreeSet<>(training.keySet().stream().filter(Objects::nonNull).toList())),
        validation, task, table);
  }

  /** Groups of two or more values equal after trimming and lower-casing ("Rain", "rain "), in sorted order. */
  static List<List<String>> lookAlikes(List<String> values) {
    Map<String, List<String>> byKey = new TreeMap<>();
    values.forEach(v -> byKey.computeIfAbsent(v.strip().toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
        .add(v));
    return byKey.values().stream().filter(g -> g.size() > 1).toList();
  }

  /**
   * Checks a string label against the task and returns its classes. Only multiclass takes a string label: a binary
   * model needs to be told which value is the positive class, and regression needs numbers.
   *
   * @param training   rows per label value on the training split (null labels already removed)
   * @param validation the same on the validation split
   * @throws dev.lakeforge.core.error.LakeforgeException exit 3: a string label for a binary or regression task, or
   *     values that appear in the validation split only
   */
  public static LabelClasses checkText(Map<String, Long> training, Map<String, Long> validation, TaskKind task,
      String table) {
    if (task != TaskKind.MULTICLASS) {
      Map<String, String> found = new TreeMap<>();
      training.forEach((value, rows) -> found.put("'" + value + "'", rows + " training rows"));
      String fix = task == TaskKind.BINARY
          ? "say which value is the positive class in the spine's label expression (e.g. CAST(outcome = 'yes' AS "
              + "INT)), or set training.task: multiclass to learn one class per value"
          : "give the spine's label expression a numeric type (e.g. CAST(amount AS DOUBLE))";
      throw Errors.labelOutsideDomain(table, task, "is a string with " + describe(found) + " ("
          + domain(task) + ")", fix);
    }
    List<String> classes = new ArrayList<>(new TreeSet<>(training.keySet().stream().filter(Objects::nonNull).toList()));
    lookAlikes(classes).forEach(group -> LOG.warn("{}: label values {} differ only in case or spaces and are "
        + "separate classes; if they mean one class, normalise the spine's label expression (e.g. lower(trim(...)))",
        table, group));
    return requireSeen(classes, validation, task, table);
  }

  private static <T extends Comparable<T>> LabelClasses requireSeen(List<T> classes, Map<T, Long> validation,
      TaskKind task, String table) {
    Map<String, String> unseen = new TreeMap<>();
    validation.forEach((value, rows) -> {
      if (value != null && !classes.contains(value)) {
        unseen.put(display(value), rows + " validation rows");
      }
    });
    LabelClasses out = of(classes);
    if (!unseen.isEmpty()) {
      throw Errors.labelOutsideDomain(table, task, "has classes the training split does not: " + describe(unseen)
          + " (the training split has " + out.names() + ")", "move the split (training.split) so every class "
          + "occurs in training, or merge the rare classes in the spine's label expression");
    }
    return out;
  }

  /** Re-keys rows per label value to rows per class index, for class weights after the label became an index. */
  public Map<Double, Long> indexCounts(Map<?, Long> rowsPerValue) {
    Map<Double, Long> out = new LinkedHashMap<>();
    rowsPerValue.forEach((value, rows) -> {
      int index = value == null ? -1 : values.indexOf(value instanceof Number n ? (Object) n.doubleValue() : value);
      out.merge(index < 0 ? null : (double) index, rows, Long::sum);
    });
    return out;
  }

  private static boolean outside(TaskKind task, double value) {
    return switch (task) {
      case BINARY -> value != 0.0 && value != 1.0;
      case MULTICLASS -> value != Math.rint(value);
      default -> false;
    };
  }

  private static String domain(TaskKind task) {
    return switch (task) {
      case BINARY -> "a binary label must be 0 or 1";
      case MULTICLASS -> "a multiclass label must be a whole number or a string per class";
      default -> "a regression label must be a finite number";
    };
  }

  private static String fix(TaskKind task) {
    return switch (task) {
      case BINARY -> "map the label to 0 and 1 in the spine's label expression (e.g. CAST(delay > 15 AS INT)), "
          + "or set training.task: multiclass for more than two classes";
      case MULTICLASS -> "give each class a whole number or a name in the spine's label expression, or set "
          + "training.task: regression for a continuous target";
      default -> "filter the rows with NaN or infinite labels in the spine's filter, or fix the label expression";
    };
  }

  private static String describe(Map<?, String> values) {
    return "values " + values.entrySet().stream().map(e -> display(e.getKey()) + " (" + e.getValue() + ")")
        .collect(Collectors.joining(", "));
  }

  private static String display(Object value) {
    return value instanceof Double d ? name(d) : String.valueOf(value);
  }

  /** A label value as people write it: 3 rather than 3.0. */
  public static String name(double value) {
    return value == Math.rint(value) && !Double.isInfinite(value) ? String.valueOf((long) value)
        : String.valueOf(value);
  }

  /** The class names in class-index order, for reports: 3 rather than 3.0, strings as they are. */
  public List<String> names() {
    return values.stream().map(LabelClasses::display).toList();
  }

  /** True when class i is label value i, so no mapping is needed. */
  public boolean identity() {
    if (text) {
      return false;
    }
    for (int i = 0; i < values.size(); i++) {
      if ((Double) values.get(i) != i) {
        return false;
      }
    }
    return true;
  }

  /**
   * Label value to class index (a double, as Spark's classifiers take it); null for a value outside the classes.
   * Null {@code classes} (regression, models saved before classes were recorded) casts the label to double.
   */
  public static Column toIndex(Column label, LabelClasses classes) {
    if (classes == null || classes.identity()) {
      return label.cast("double");
    }
    return lookup(classes.text ? label.cast("string") : label.cast("double"), classes.values, indices(classes.size()),
        "double");
  }

  /** Class index (a model's prediction) to label value: a double column, or a string column for a string label. */
  public static Column toLabel(Column index, LabelClasses classes) {
    if (classes == null || classes.identity()) {
      return index.cast("double");
    }
    return lookup(index.cast("double"), indices(classes.size()), classes.values, classes.text ? "string" : "double");
  }

  /** {@code to[i]} where {@code key} equals {@code from[i]}, else null: one CASE chain, compiled by Spark. */
  private static Column lookup(Column key, List<Object> from, List<Object> to, String type) {
    Column out = lit(null).cast(type);
    for (int i = from.size() - 1; i >= 0; i--) {
      out = when(key.equalTo(lit(from.get(i))), lit(to.get(i))).otherwise(out);
    }
    return out;
  }

  private static List<Object> indices(int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> (Object) (double) i).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelClasses other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
