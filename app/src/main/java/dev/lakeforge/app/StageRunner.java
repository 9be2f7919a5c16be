package dev.lakeforge.app;

import dev.lakeforge.core.config.ConfigLoader;
import dev.lakeforge.core.config.LoadedConfig;
import dev.lakeforge.core.lineage.OpenLineageEmitter;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.spark.SparkProfile;
import dev.lakeforge.core.spark.SparkSessions;
import dev.lakeforge.core.spark.StageProgress;
import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * Loads the config, starts Spark once, runs stages in order, saves each manifest, sends each stage's OpenLineage
 * events (when {@code lineage.openlineage} is on) and prints a summary: the Spark UI's address once, then each
 * stage's time, tables and metrics. While a stage runs, its live progress goes to the terminal or to {@code err}
 * ({@link StageProgress}).
 */
final class StageRunner {
  private final Services services;
  private final PrintWriter out;
  private final PrintWriter err;

  /** Summaries go to {@code services.out()}, progress lines to {@code services.err()}. */
  StageRunner(Services services) {
    this.services = services;
    this.out = services.out();
    this.err = services.err();
  }

  /** What a run did: the config it loaded and each stage's result, in order. */
  record Ran(LoadedConfig loaded, List<StageResult> results) {}

  /** A run context for commands that work on the lake without running stages (tables, profile). */
  RunContext context(CommonOptions options) {
    ConfigLoader loader = services.configLoader();
    LoadedConfig loaded = loader.loadPipeline(options.config, options.overrides);
    return start(options, loader, loaded);
  }

  private RunContext start(CommonOptions options, ConfigLoader loader, LoadedConfig loaded) {
    SparkProfile profile = SparkSessions.loadProfile(options.profile, options.confDir(), loader);
    String runId = options.runId != null ? options.runId : UUID.randomUUID().toString();
    SparkSession spark = SparkSessions.start("lakeforge-" + loaded.config().pipeline(), profile);
    if (System.getProperty("log4j2.configurationFile") == null) {
      spark.sparkContext().setLogLevel("WARN");
    }
    return RunContext.create(runId, options.runDateOrToday(), options.profile, loaded, spark,
        services.environment()).withTableProducers(StageCatalog::producerOf);
  }

  Ran run(CommonOptions options, Function<LoadedConfig, List<Stage>> stagesFor) {
    ConfigLoader loader = services.configLoader();
    LoadedConfig loaded = loader.loadPipeline(options.config, options.overrides);
    List<Stage> stages = stagesFor.apply(loaded);
    stages.forEach(stage -> stage.check(loaded.config()));
    RunContext context = start(options, loader, loaded);
    String runId = context.runId();
    out.printf("lakeforge %s: pipeline %s, run date %s, run id %s, config %s (sha256 %s)%n",
        stages.stream().map(Stage::name).collect(Collectors.joining(",")), loaded.config().pipeline(),
        context.runDate(), runId, options.config, loaded.hash().substring(0, 12));
    scala.Option<String> ui = context.spark().sparkContext().uiWebUrl();
    if (ui.isDefined()) {
      out.println("  Spark UI  " + ui.get());
    }
    List<StageResult> results = new java.util.ArrayList<>();
    try (OpenLineageEmitter lineage = OpenLineageEmitter.create(context);
        StageProgress progress = StageProgress.attach(context.spark(), StageProgress.Mode.fromSystemProperty(), err,
            StageProgress.intervalFromSystemProperty())) {
      for (Stage stage : stages) {
        OpenLineageEmitter.StageRun run = lineage.start(stage.name());
        StageResult result;
        progress.begin(stage.name());
        // Spark's jobs carry the stage's name as their job group: in the Spark UI and in the event log, where
        // scripts/stage-profile.py groups them by stage.
        context.spark().sparkContext().setLocalProperty("spark.jobGroup.id", "lakeforge." + stage.name());
        try {
          result = context.runStage(stage);
        } catch (RuntimeException | Error e) {
          run.fail(e);
          throw e;
        } finally {
          progress.end();
          context.spark().sparkContext().setLocalProperty("spark.jobGroup.id", null);
        }
        run.complete(result);
        results.add(result);
        print(result);
      }
    }
    return new Ran(loaded, results);
  }

  private void print(StageResult r) {
    out.printf("  %-9s %7.1f s", r.stage(), r.millis() / 1000.0);
    if (!r.writes().isEmpty()) {
      out.print("  wrote " + r.writes().stream().map(Object::toString).collect(Collectors.joining(", ")));
    }
    out.println();
    if (!r.reads().isEmpty()) {
      out.println("            read  " + r.reads().stream().map(Object::toString).collect(Collectors.joining(", ")));
    }
    r.metrics().forEach((k, v) -> out.printf("            %s = %s%n", k,
        v instanceof Double d ? String.format("%.4f", d) : v));
    r.outputs().forEach((k, v) -> out.printf("            %s: %s%n", k, v));
  }
}
