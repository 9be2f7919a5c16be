package dev.lakeforge.evaluation;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.lakeforge.training.ModelDirectory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The plots drawn from what training left in the model directory: feature importance and learning curves. */
final class ModelPlots {
  private static final int IMPORTANCE_SHOWN = 20;

  private ModelPlots() {}

  /** File name to PNG bytes: {@code importance.png} and {@code learning_curves.png} when their data exist. */
  static Map<String, byte[]> of(ModelDirectory dir, ModelDirectory.Info info) {
    Map<String, byte[]> plots = new LinkedHashMap<>();
    importance(dir).ifPresent(png -> plots.put("importance.png", png));
    curves(dir, info).ifPresent(png -> plots.put("learning_curves.png", png));
    return plots;
  }

  /** The first importance kind recorded, of gain, coefficient and weight: the top {@value #IMPORTANCE_SHOWN}. */
  private static Optional<byte[]> importance(ModelDirectory dir) {
    if (!dir.has(ModelDirectory.IMPORTANCE)) {
      return Optional.empty();
    }
    Map<String, Map<String, Double>> importance = dir.readJson(ModelDirectory.IMPORTANCE,
        new TypeReference<>() {});
    for (String kind : List.of("gain", "coefficient", "weight")) {
      if (importance.containsKey(kind) && !importance.get(kind).isEmpty()) {
        return Optional.of(EvaluationCharts.importance(importance.get(kind), kind, IMPORTANCE_SHOWN));
      }
    }
    return Optional.empty();
  }

  /** The curves of one metric (log loss when recorded), training and validation on one plot. */
  private static Optional<byte[]> curves(ModelDirectory dir, ModelDirectory.Info info) {
    if (!dir.has(ModelDirectory.CURVES)) {
      return Optional.empty();
    }
    Map<String, List<Double>> curves = dir.readJson(ModelDirectory.CURVES, new TypeReference<>() {});
    String metric = curves.keySet().stream().map(k -> k.substring(k.indexOf('-') + 1))
        .filter(m -> m.equals("logloss")).findFirst()
        .orElse(curves.keySet().stream().map(k -> k.substring(k.indexOf('-') + 1)).findFirst().orElse(null));
    Map<String, List<Double>> shown = new LinkedHashMap<>();
    curves.forEach((k, v) -> {
      if (k.endsWith("-" + metric)) {
        shown.put(k, v);
      }
    });
    return shown.isEmpty() ? Optional.empty()
        : Optional.of(EvaluationCharts.learningCurves(shown, metric, info.bestIteration()));
  }
}
