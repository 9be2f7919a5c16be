package dev.lakeforge.core.spark;

import java.util.Map;

/**
 * A named set of Spark settings ({@code conf/spark/<name>.yaml}). Settings already given to spark-submit win over
 * the profile, so a cluster's submit command stays in charge.
 *
 * @param master used only when no master was given (bin/lakeforge, tests)
 * @param conf   Spark properties
 */
public record SparkProfile(String master, Map<String, String> conf) {
  public SparkProfile {
    conf = Map.copyOf(conf == null ? Map.of() : conf);
  }
}
