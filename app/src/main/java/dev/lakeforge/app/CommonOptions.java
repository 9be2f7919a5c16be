package dev.lakeforge.app;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every stage command takes. */
final class CommonOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "conf/pipelines/flights.yaml",
      description = "Pipeline config (YAML). Default: ${DEFAULT-VALUE}")
  Path config;

  @Option(names = "--run-date", paramLabel = "YYYY-MM-DD",
      description = "Logical date of this run; reruns for the same date replace that date's data. Default: today")
  LocalDate runDate;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a config value, e.g. --set training.params.max_depth=8 (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--profile", paramLabel = "NAME", defaultValue = "local",
      description = "Spark profile: local, cluster, gpu (conf/spark/NAME.yaml) or a YAML path. Default: ${DEFAULT-VALUE}")
  String profile;

  @Option(names = "--run-id", paramLabel = "ID",
      description = "Run id recorded in commits and the registry (Airflow passes its run id). Default: generated")
  String runId;

  LocalDate runDateOrToday() {
    return runDate != null ? runDate : LocalDate.now();
  }

  /** conf/ is the pipeline config's grandparent (conf/pipelines/x.yaml), where conf/spark/ lives. */
  /**
   * Where Spark profiles live: {@code spark/} beside the config's folder (conf/pipelines -> conf/spark); for a
   * config kept elsewhere, the installation's conf/ (bin/lakeforge passes it as lakeforge.conf.dir).
   */
  Path confDir() {
    Path parent = config.toAbsolutePath().getParent();
    Path besideConfig = parent.getParent() != null ? parent.getParent() : parent;
    String installed = System.getProperty("lakeforge.conf.dir");
    if (!java.nio.file.Files.isDirectory(besideConfig.resolve("spark")) && installed != null) {
      return Path.of(installed);
    }
    return besideConfig;
  }
}
