package dev.lakeforge.core.testing;

import dev.lakeforge.core.config.ConfigLoader;
import dev.lakeforge.core.config.LoadedConfig;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.spark.SparkProfile;
import dev.lakeforge.core.spark.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** One SparkSession per test JVM, small and quiet, with Delta enabled the same way the stages get it. */
public final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      session = SparkSessions.start("lakeforge-tests", new SparkProfile("local[2]", Map.of(
          "spark.sql.shuffle.partitions", "4",
          "spark.ui.enabled", "false",
          "spark.sql.session.timeZone", "UTC",
          "spark.driver.host", "127.0.0.1",
          "spark.databricks.delta.snapshotPartitions", "2")));
      session.sparkContext().setLogLevel("ERROR");
    }
    return session;
  }

  /** The repository root, for tests that read conf/ or data/. */
  public static Path repoRoot() {
    String fromMaven = System.getProperty("lakeforge.repo.root");
    Path start = Path.of(fromMaven != null ? fromMaven : ".").toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("conf")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    return start;
  }

  /** A run context over a config written to a fresh temp dir, with the lake inside that dir. */
  public static RunContext context(String yaml, String runDate) {
    return context(yaml, runDate, Map.of());
  }

  /** As {@link #context(String, String)}; {@code env} resolves ${env:NAME} and is the context's environment. */
  public static RunContext context(String yaml, String runDate, Map<String, String> env) {
    try {
      Path dir = Files.createTempDirectory("lakeforge-test");
      String resolved = yaml.replace("${TMP}", dir.toString());
      Path file = dir.resolve("pipeline.yaml");
      Files.writeString(file, resolved);
      LoadedConfig loaded = new ConfigLoader(env).loadPipeline(file, List.of());
      return RunContext.create("test-run", LocalDate.parse(runDate), "local", loaded, get(), env);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
