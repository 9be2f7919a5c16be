package dev.lakeforge.core.config;

/**
 * One feature: either a Spark SQL row expression ({@code expr}) or the stable integer index of a categorical
 * column ({@code index}). Index vocabularies are append-only, so a value keeps its index across runs and a model
 * trained yesterday scores today's features correctly.
 */
public record FeatureConfig(String name, String expr, String index) {
  public FeatureConfig {
    Require.present(name, "name");
    if ((expr == null) == (index == null)) {
      throw new IllegalArgumentException("feature '" + name + "' needs exactly one of 'expr' or 'index'");
    }
  }
}
