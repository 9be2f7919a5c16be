package dev.lakeforge.core.spark;

import dev.lakeforge.core.config.ConfigLoader;
import dev.lakeforge.core.error.Errors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the one SparkSession a command uses, from a profile, with Delta always enabled. */
public final class SparkSessions {
  public static final String RAPIDS_PLUGIN = "com.nvidia.spark.SQLPlugin";
  private static final Map<String, String> DELTA = Map.of(
      "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
      "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");

  private SparkSessions() {}

  /**
   * Finds a profile: {@code name} may be a YAML file, or a name looked up as {@code <confDir>/spark/<name>.yaml}.
   */
  public static SparkProfile loadProfile(String name, Path confDir, ConfigLoader loader) {
    Path direct = Path.of(name);
    Path file = name.endsWith(".yaml") || name.endsWith(".yml") ? direct : confDir.resolve("spark").resolve(name + ".yaml");
    if (!Files.isRegularFile(file)) {
      throw Errors.usage("Cannot use Spark profile '" + name + "': " + file + " does not exist",
          "pass --profile local, cluster or gpu (files in " + confDir.resolve("spark") + ") or a profile YAML path");
    }
    return loader.load(file, SparkProfile.class);
  }

  public static SparkSession start(String appName, SparkProfile profile) {
    SparkConf submitted = new SparkConf(); // holds what spark-submit or -Dspark.* already set
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (!submitted.contains("spark.master")) {
      builder.master(profile.master() == null ? "local[*]" : profile.master());
    }
    profile.conf().forEach((k, v) -> {
      if (!submitted.contains(k)) {
        builder.config(k, v);
      }
    });
    DELTA.forEach(builder::config);
    String plugins = submitted.get("spark.plugins", profile.conf().getOrDefault("spark.plugins", ""));
    if (plugins.contains(RAPIDS_PLUGIN) && !onClasspath(RAPIDS_PLUGIN)) {
      throw Errors.gpuUnavailable("spark.plugins names " + RAPIDS_PLUGIN + " but the RAPIDS Accelerator jar "
          + "(rapids-4-spark_2.12) is not on the classpath");
    }
    return builder.getOrCreate();
  }

  private static boolean onClasspath(String className) {
    try {
      Class.forName(className, false, SparkSessions.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
