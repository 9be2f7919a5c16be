package dev.lakeforge.scorer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.error.Errors;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How each model feature of one input file is found: a column of the file named like the feature (the caller
 * computed it), or else computed from the file's raw columns by the recipe recorded with the model
 * ({@code row-features.json}, written by training: bare columns, time parts, index vocabularies, one_hot values,
 * frequency shares and target means of the training set version's encodings). A feature that is neither (a feature
 * set's history, a Spark SQL expression, a calendar, or a raw column the file lacks) ends the run before any row is
 * read: exit 2 naming each feature and what to supply instead.
 */
final class FeaturePlan {
  /** The kinds computed from one raw column, as messages name them. */
  private static final Map<String, String> COMPUTED = Map.of("time_part", "a time part", "index", "an index",
      "one_hot", "a one_hot", "frequency", "a frequency", "target_mean", "a target_mean");

  /** How a feature the scorer cannot compute is named in the exit-2 message. */
  private static String notComputable(String name, String why) {
    return name + " (" + why + ": supply column '" + name + "' computed as `lakeforge training-set` does, or score "
        + "with `lakeforge score`)";
  }

  /** One feature's value from the current row; NaN is missing, as in training. */
  interface Feature {
    float value(InputRows row);
  }

  private final Feature[] features;
  private final BitSet read;
  private final BitSet textual;
  private final Map<String, long[]> unknownCategories;

  private FeaturePlan(Feature[] features, BitSet read, BitSet textual, Map<String, long[]> unknownCategories) {
    this.features = features;
    this.read = read;
    this.textual = textual;
    this.unknownCategories = unknownCategories;
  }

  /**
   * @param model  the model: its features in order and its recipe (null for models trained before recipes)
   * @param input  the file's columns
   * @param source the file, for messages
   */
  static FeaturePlan of(ScorerModel model, List<String> input, Path source) {
    JsonNode recipe = model.recipe();
    ZoneId zone = ZoneId.of(recipe == null ? "UTC" : recipe.path("time_zone").asText("UTC"));
    Map<String, Integer> at = new HashMap<>();
    for (int i = 0; i < input.size(); i++) {
      at.putIfAbsent(input.get(i), i);
    }
    List<String> missing = new ArrayList<>();
    List<String> explained = new ArrayList<>();
    Feature[] out = new Feature[model.features().size()];
    BitSet read = new BitSet();
    BitSet textual = new BitSet(); // timestamps and categories are read as text
    Map<String, long[]> unknown = new java.util.LinkedHashMap<>(); // per index, frequency, target_mean: unseen values
    for (int f = 0; f < out.length; f++) {
      String name = model.features().get(f);
      Integer direct = at.get(name);
      if (direct != null) {
        out[f] = number(direct, name, source);
        read.set(direct);
        continue;
      }
      JsonNode how = recipe == null ? null : recipe.path("features").get(name);
      if (how == null) {
        missing.add(name);
        continue;
      }
      String kind = how.path("kind").asText();
      if (how.has("reason")) { // recorded as not computable here, with why
        explained.add(notComputable(name, how.path("reason").asText()));
        continue;
      }
      String column = how.path("column").asText(null);
      Integer raw = column == null ? null : at.get(column);
      if (kind.equals("column") && raw == null) {
        missing.add(column.equals(name) ? name : name + " (column '" + column + "')");
        continue;
      }
      if (column != null && raw == null && COMPUTED.containsKey(kind)) {
        explained.add(name + " (" + COMPUTED.get(kind) + " feature: needs raw column '" + column + "', or supply '"
            + name + "' itself)");
        continue;
      }
      switch (kind) {
        case "column" -> {
          out[f] = number(raw, name, source);
          read.set(raw);
        }
        case "time_part" -> {
          String part = how.path("part").asText();
          int c = raw;
          out[f] = row -> {
            if (row.isMissing(c)) {
              return Float.NaN;
            }
            try {
              return Timestamps.part(part, row.time(c, zone));
            } catch (DateTimeException e) {
              throw Errors.fileToScore("Cannot score " + source + ": " + row.position() + ", column '" + column + "': '"
                  + row.text(c) + "' is not a timestamp (feature '" + name + "' is its " + part + ")",
                  "write timestamps as 2001-06-16 08:05:00 (optionally with an offset), or leave the cell empty");
            }
          };
          textual.set(raw);
        }
        case "index" -> {
          Map<String, Float> vocabulary = new HashMap<>();
          how.path("vocabulary").fields().forEachRemaining(e -> vocabulary.put(e.getKey(),
              (float) e.getValue().asLong()));
          int c = raw;
          long[] unseen = unknown.computeIfAbsent(name, k -> new long[1]);
          out[f] = row -> {
            if (row.isMissing(c)) {
              return Float.NaN;
            }
            Float index = vocabulary.get(row.text(c));
            if (index == null) { // unseen at training time: unknown, as the Spark join leaves it (null)
              unseen[0]++;
              return Float.NaN;
            }
            return index;
          };
          textual.set(raw);
        }
        case "one_hot" -> {
          String value = how.path("value").asText();
          int c = raw;
          out[f] = row -> !row.isMissing(c) && value.equals(row.text(c)) ? 1f : 0f;
          textual.set(raw);
        }
        case "frequency", "target_mean" -> {
          // Unseen or (target_mean) null: the value the Spark transform gives: frequency 0, target_mean the prior.
          boolean frequency = kind.equals("frequency");
          float unseenValue = frequency ? 0f : (float) how.path("prior").asDouble();
          float nullValue = frequency ? Float.NaN : unseenValue;
          Map<String, Float> values = new HashMap<>();
          how.path("values").fields().forEachRemaining(e -> values.put(e.getKey(), (float) e.getValue().asDouble()));
          int c = raw;
          long[] unseen = unknown.computeIfAbsent(name, k -> new long[1]);
          out[f] = row -> {
            if (row.isMissing(c)) {
              return nullValue;
            }
            Float known = values.get(row.text(c));
            if (known == null) {
              unseen[0]++;
              return unseenValue;
            }
            return known;
          };
          textual.set(raw);
        }
        default -> explained.add(notComputable(name, kind));
      }
    }
    if (!missing.isEmpty() || !explained.isEmpty()) {
      List<String> parts = new ArrayList<>();
      if (input.size() == 1 && input.get(0).matches(".*[;\t|].*")) { // the whole header in one column
        throw Errors.fileToScore("Cannot score " + source + ": its header is one column, '" + abbreviated(input.get(0))
            + "': the scorer reads comma-separated CSV (RFC 4180)", "write the file with commas between values");
      }
      if (!missing.isEmpty()) {
        parts.add("the header lacks the features " + String.join(", ", missing));
      }
      if (!explained.isEmpty()) {
        parts.add("the scorer cannot compute " + String.join("; ", explained));
      }
      throw Errors.fileToScore("Cannot score " + source + " with " + model.source() + ": " + String.join("; and ", parts),
          missing.isEmpty() ? "add those columns to the file"
              : "add those columns (empty cells are missing values)");
    }
    return new FeaturePlan(out, read, textual, unknown);
  }

  private static String abbreviated(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  private static Feature number(int column, String feature, Path source) {
    return row -> {
      if (row.isMissing(column)) {
        return Float.NaN;
      }
      try {
        return (float) row.number(column); // as Spark: the double, then XGBoost's float
      } catch (NumberFormatException e) {
        throw Errors.fileToScore("Cannot score " + source + ": " + row.position() + ", column '" + feature + "': '"
            + row.text(column) + "' is not a number", "correct the value or leave the cell empty for a missing value");
      }
    };
  }

  /** The input columns the features read as numbers. */
  BitSet numericColumns() {
    return read;
  }

  /** The input columns the features read as text (timestamps, categories). */
  BitSet textColumns() {
    return textual;
  }

  int width() {
    return features.length;
  }

  /** Writes the current row's features into {@code data} from {@code offset}. */
  void fill(InputRows row, float[] data, int offset) {
    for (int f = 0; f < features.length; f++) {
      data[offset + f] = features[f].value(row);
    }
  }

  /** Index features and how many of their values were not in the vocabulary (scored as missing). */
  Map<String, Long> unknownCategories() {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    unknownCategories.forEach((feature, n) -> out.put(feature, n[0]));
    return out;
  }
}
