package dev.lakeforge.core.config;

import java.util.Map;

/**
 * One pipeline, declared as data. Everything dataset-specific (paths, columns, rules, features, params) lives
 * here, so stage code never names a dataset's columns.
 */
public record PipelineConfig(
    String pipeline,
    LakeConfig lake,
    Map<String, SourceConfig> sources,
    Map<String, ValidationConfig> validation,
    FeatureSetConfig features,
    TrainingConfig training,
    EvaluationConfig evaluation,
    DriftConfig drift,
    RegistryConfig registry,
    ScoringConfig scoring) {

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
    Require.present(features, "features");
    Require.present(training, "training");
    evaluation = Require.orDefault(evaluation, EvaluationConfig.DEFAULT);
    Require.present(registry, "registry");
    Require.present(scoring, "scoring");
  }
}
