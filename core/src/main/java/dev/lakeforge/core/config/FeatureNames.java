package dev.lakeforge.core.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

final class FeatureNames {
  private FeatureNames() {}

  static void requireUnique(List<FeatureConfig> features) {
    Set<String> seen = new HashSet<>();
    for (FeatureConfig f : features) {
      if (!seen.add(f.name())) {
        throw new IllegalArgumentException("feature name '" + f.name() + "' is declared twice");
      }
    }
  }
}
