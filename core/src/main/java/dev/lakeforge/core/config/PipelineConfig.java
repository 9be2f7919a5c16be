package dev.lakeforge.core.config;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One pipeline, declared as data. Everything dataset-specific (paths, columns, rules, features, params) lives
 * here, so stage code never names a dataset's columns.
 */
public record PipelineConfig(
    String pipeline,
    LakeConfig lake,
    Map<String, SourceConfig> sources,
    Map<String, ValidationConfig> validation,
    Map<String, FeatureSetConfig> featureSets,
    Map<String, TrainingSetConfig> trainingSets,
    TrainingConfig training,
    EvaluationConfig evaluation,
    DriftConfig drift,
    RegistryConfig registry,
    ScoringConfig scoring,
    LineageConfig lineage) {

  public PipelineConfig {
    Require.present(pipeline, "pipeline");
    if (!pipeline.matches("[A-Za-z][A-Za-z0-9_-]*")) {
      throw new IllegalArgumentException("key 'pipeline' must be letters, digits, '_' or '-', starting with a letter");
    }
    lake = Require.orDefault(lake, LakeConfig.DEFAULT);
    if (sources == null || sources.isEmpty()) {
      throw new IllegalArgumentException("key 'sources' needs at least one entry");
    }
    sources = Map.copyOf(sources);
    validation = Map.copyOf(Require.orDefault(validation, Map.of()));
    featureSets = named(featureSets, "feature_sets");
    trainingSets = named(trainingSets, "training_sets");
    for (var set : trainingSets.entrySet()) {
      for (String wanted : set.getValue().featureSets()) {
        if (!featureSets.containsKey(wanted)) {
          throw new IllegalArgumentException("training set '" + set.getKey() + "' names feature set '" + wanted
              + "', which is not declared under 'feature_sets' (declared: " + String.join(", ", featureSets.keySet())
              + ")");
        }
      }
    }
    Require.present(training, "training");
    if (training.trainingSet() != null && !trainingSets.containsKey(training.trainingSet())) {
      throw new IllegalArgumentException("key 'training.training_set' is '" + training.trainingSet()
          + "' but 'training_sets' declares: " + String.join(", ", trainingSets.keySet()));
    }
    evaluation = Require.orDefault(evaluation, EvaluationConfig.DEFAULT);
    Require.present(registry, "registry");
    Require.present(scoring, "scoring");
    lineage = Require.orDefault(lineage, LineageConfig.OFF);
  }

  /** The training set the model is trained on: training.training_set, or the only one declared. */
  public String trainingSetName() {
    if (training.trainingSet() != null) {
      return training.trainingSet();
    }
    if (trainingSets.size() != 1) {
      throw new IllegalArgumentException("set 'training.training_set' to one of the training sets: "
          + String.join(", ", trainingSets.keySet()));
    }
    return trainingSets.keySet().iterator().next();
  }

  private static <T> Map<String, T> named(Map<String, T> entries, String key) {
    Map<String, T> copy = new TreeMap<>(Require.orDefault(entries, Map.of()));
    for (String name : copy.keySet()) {
      if (!name.matches("[a-z][a-z0-9_]*")) {
        throw new IllegalArgumentException("key '" + key + "." + name
            + "' must be a table name: lower-case letters, digits and '_', starting with a letter");
      }
    }
    return Collections.unmodifiableMap(copy);
  }
}
