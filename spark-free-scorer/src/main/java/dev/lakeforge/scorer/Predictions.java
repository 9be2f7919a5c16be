package dev.lakeforge.scorer;

import dev.lakeforge.core.config.TaskKind;

/**
 * What a booster output means for each task, written as the Spark {@code score} stage writes it: binary models give
 * {@code prediction} 1.0 or 0.0 (threshold 0.5) and the positive class's {@code probability}; multi-class models the
 * label of the most probable class and every class's probability; regression models the value only.
 */
final class Predictions {
  private final ScorerModel model;

  Predictions(ScorerModel model) {
    this.model = model;
  }

  boolean hasProbability() {
    return model.task() != TaskKind.REGRESSION;
  }

  boolean multiclass() {
    return model.task() == TaskKind.MULTICLASS;
  }

  /** The predicted class's label (multiclass) as text. */
  String label(float[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      best = p[c] > p[best] ? c : best;
    }
    return model.labelOf(best);
  }

  /** Binary: 1.0 or 0.0; regression: the value. */
  double value(float[] p) {
    return model.task() == TaskKind.BINARY ? (p[0] >= 0.5f ? 1.0 : 0.0) : p[0];
  }

  /** "[p0, p1, ...]", as the CSV output writes every class's probability. */
  static String list(float[] p) {
    StringBuilder all = new StringBuilder("[");
    for (int c = 0; c < p.length; c++) {
      all.append(c == 0 ? "" : ", ").append((double) p[c]);
    }
    return all.append(']').toString();
  }
}
