package dev.lakeforge.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a model predicts, as {@code training.task} names it: a binary label (0 or 1, scored by the probability of
 * 1), one of several classes (a class index with a probability per class), or a number. Written to and read from
 * {@code model-info.json} as its lower-case id ({@code "binary"}), which Python readers of the same file see too.
 */
public enum TaskKind {
  BINARY, MULTICLASS, REGRESSION;

  /** The id in configs and model files: binary, multiclass or regression. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the model predicts classes (binary or multiclass) rather than a number. */
  public boolean isClassification() {
    return this != REGRESSION;
  }

  /**
   * The kind an id names.
   *
   * @throws IllegalArgumentException naming the allowed ids, for an unknown one
   */
  @JsonCreator
  public static TaskKind of(String id) {
    return Arrays.stream(values()).filter(k -> k.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("task '" + id + "' is not one of binary, multiclass, "
            + "regression"));
  }

  @Override
  public String toString() {
    return id();
  }
}
