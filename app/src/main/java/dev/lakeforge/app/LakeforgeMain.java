package dev.lakeforge.app;

import dev.lakeforge.core.config.ConfigLoader;
import dev.lakeforge.core.config.LoadedConfig;
import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.BuildInfo;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.spark.SparkSessions;
import dev.lakeforge.etl.IngestStage;
import dev.lakeforge.etl.ValidateStage;
import dev.lakeforge.evaluation.DriftStage;
import dev.lakeforge.evaluation.EvaluateStage;
import dev.lakeforge.evaluation.RegisteredModel;
import dev.lakeforge.features.FeatureSetStage;
import dev.lakeforge.features.TrainingSetStage;
import dev.lakeforge.registry.RegisterStage;
import dev.lakeforge.registry.Reproduction;
import dev.lakeforge.scoring.ScoreStage;
import dev.lakeforge.training.SweepStage;
import dev.lakeforge.training.TrainStage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code lakeforge} command line: one subcommand per stage, {@code run} for all, {@code config check}. */
@Command(name = "lakeforge", mixinStandardHelpOptions = true, versionProvider = LakeforgeMain.Version.class,
    description = "Batch machine learning on Spark and Delta: ingest, validate, features, training-set, train or "
        + "sweep, evaluate, register, score.",
    subcommands = {LakeforgeMain.Ingest.class, LakeforgeMain.Validate.class, LakeforgeMain.Features.class,
        LakeforgeMain.TrainingSet.class, LakeforgeMain.Train.class, LakeforgeMain.Sweep.class, LakeforgeMain.Evaluate.class, LakeforgeMain.Drift.class, LakeforgeMain.Register.class,
        LakeforgeMain.Score.class, LakeforgeMain.Run.class, TablesCommands.Tables.class, TablesCommands.Profile.class,
        LakeforgeMain.ConfigCommand.class, AliasCommands.Alias.class, LakeforgeMain.Reproduce.class},
    footer = {"", "Exit codes: 0 ok, 1 unexpected, 2 usage or config, 3 data-quality gate, 4 model gate, "
        + "5 external service unavailable."})
public final class LakeforgeMain implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(LakeforgeMain.class);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = execute(args, System.out, System.err);
    // In the log too: a driver that a cluster launches (standalone cluster mode) has no caller to see the code.
    LOG.info("lakeforge exit code {}", code);
    System.exit(code);
  }

  /** Runs a command and returns its exit code; never lets a stack trace reach the console. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new LakeforgeMain());
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      Throwable cause = unwrap(e);
      if (!(cause instanceof LakeforgeException)) {
        cause = Errors.unreachableService(cause).map(Throwable.class::cast).orElse(cause);
      }
      if (cause instanceof LakeforgeException le) {
        LOG.debug("lakeforge failed", le);
        err.println("lakeforge: " + le.kind().label() + ": " + le.getMessage());
        return le.exitCode();
      }
      LOG.error("lakeforge failed unexpectedly", cause);
      err.println("lakeforge: " + ErrorKind.UNEXPECTED.label() + ": " + cause.getClass().getSimpleName() + ": "
          + dev.lakeforge.core.error.LibraryMessage.of(cause) + " (stack trace in " + logFile() + ")");
      return ErrorKind.UNEXPECTED.exitCode();
    });
    cli.setParameterExceptionHandler((e, args2) -> {
      err.println("lakeforge: usage error: " + e.getMessage());
      e.getCommandLine().usage(err);
      return ErrorKind.USAGE.exitCode();
    });
    return cli.execute(args);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    for (int i = 0; i < 10 && t != null; i++) {
      if (t instanceof LakeforgeException) {
        return t;
      }
      t = t.getCause();
    }
    return e;
  }

  private static String logFile() {
    return System.getProperty("lakeforge.log.dir", "logs") + "/lakeforge.log";
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"lakeforge " + BuildInfo.version() + " (git " + BuildInfo.gitRevision() + ")"};
    }
  }

  /** A subcommand that runs a fixed list of stages. */
  abstract static class StageCommand implements Callable<Integer> {
    @Mixin
    CommonOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    abstract List<Stage> stages(LoadedConfig loaded);

    /** Summaries on stdout; progress lines on the command's stderr. */
    StageRunner runner() {
      return new StageRunner(System.out, spec.commandLine().getErr());
    }

    @Override
    public Integer call() {
      runner().run(options, this::stages);
      return 0;
    }
  }

  @Command(name = "ingest", mixinStandardHelpOptions = true,
      description = "Load every configured source into bronze.<source> Delta tables.")
  static final class Ingest extends StageCommand {
    @Override
    List<Stage> stages(LoadedConfig loaded) {
      return List.of(new IngestStage());
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Apply the rules: passing rows to silver.<entity>, failing rows to quarantine.<entity>.")
  static final class Validate extends StageCommand {
    @Override
    List<Stage> stages(LoadedConfig loaded) {
      return List.of(new ValidateStage());
    }
  }

  @Command(name = "features", mixinStandardHelpOptions = true,
      description = {"Compute feature sets into features.<name> (window aggregates, encodings, dimension joins).",
          "--set NAME (no '=') computes only that feature set; --set key=value still overrides the config."})
  static final class Features extends StageCommand {
    private String set;

    @Override
    public Integer call() {
      List<String> names = options.overrides.stream().filter(o -> !o.contains("=")).toList();
      if (names.size() > 1) {
        throw dev.lakeforge.core.error.Errors.usage("Cannot compute feature sets " + names + ": --set NAME names "
            + "one set", "run `lakeforge features` once per set, or without --set NAME for all of them");
      }
      set = names.isEmpty() ? null : names.get(0);
      options.overrides.removeAll(names);
      return super.call();
    }

    @Override
    List<Stage> stages(LoadedConfig loaded) {
      return List.of(new FeatureSetStage(set));
    }
  }

  @Command(name = "training-set", mixinStandardHelpOptions = true,
      description = "Build a point-in-time correct training set into training_sets.<name>.")
  static final class TrainingSet extends StageCommand {
    @Option(names = "--name", paramLabel = "NAME", description = "The training set (default: the one training uses)")
    String name;

    @Override
    List<Stage> stages(LoadedConfig loaded) {
      return List.of(new TrainingSetStage(name));
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train training.algorithm on the training split; writes a model directory.")
  static final class Train extends StageCommand {
    @Override
    List<Stage> stages(LoadedConfig loaded) {
      return List.of(new TrainStage());
    }
  }

  @Command(name = "sweep", mixinStandardHelpOptions = true,
      description = "Search training.sweep's space (grid, random or successive halving), record every trial in "
          + "training.trials, and retrain the best config into a model directory.")
  static final class Sweep extends StageCommand {
    @Override
    List<Stage> stages(LoadedConfig loaded) {
      return List.of(new SweepStage());
    }
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "Compute validation metrics and apply the gates (exit 4 when not blessed).")
  static final class Evaluate extends StageCommand {
    @Override
    List<Stage> stages(LoadedConfig loaded) {
      return List.of(new EvaluateStage(System.getenv()));
    }
  }

  @Command(name = "drift", mixinStandardHelpOptions = true,
      description = "Compare the current batch with the reference (PSI, KS, Wasserstein, Jensen-Shannon, "
          + "chi-square) into monitoring.drift; exit 3 when a fail level is crossed.")
  static final class Drift extends StageCommand {
    @Override
    List<Stage> stages(LoadedConfig loaded) {
      return List.of(new DriftStage());
    }
  }

  @Command(name = "register", mixinStandardHelpOptions = true,
      description = "Log the model to MLflow, register a version and move the alias when blessed.")
  static final class Register extends StageCommand {
    @Option(names = "--from", paramLabel = "DIR", description = "Register this model directory (a local path or "
        + "any Hadoop path such as s3a://bucket/models/...) instead of the run date's trained model")
    String from;

    @Option(names = "--force", description = "Move the alias even if the model was not blessed")
    boolean force;

    @Override
    List<Stage> stages(LoadedConfig loaded) {
      return List.of(new RegisterStage(Optional.ofNullable(from), force, System.getenv()));
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true,
      description = "Score a day's features, or new rows without labels (--input), with the aliased model; writes "
          + "the predictions table and an export.")
  static final class Score extends StageCommand {
    @Option(names = "--model", paramLabel = "URI", description = "models:/<name>@<alias> or models:/<name>/<version>; "
        + "default: the registry's model at scoring.alias (or registry.alias)")
    String model;

    @Option(names = "--input", paramLabel = "ROWS", description = "What to score (sets scoring.input): a "
        + "training_sets table, any pin (its rows hold the features), or new rows without labels: a sources entry, a "
        + "lake table such as silver.flights_next@v3, or a Parquet, CSV (with a header) or JSON-lines file; their "
        + "features are built as the model's training set version built them, bad rows quarantined")
    String input;

    @Option(names = "--where", paramLabel = "PREDICATE", description = "Spark SQL predicate choosing the rows, e.g. "
        + "\"date >= '2001-06-15' AND date < '2001-06-16'\" (sets scoring.where; default: the run date's rows)")
    String where;

    @Override
    List<Stage> stages(LoadedConfig loaded) {
      return List.of(new ScoreStage(System.getenv(), Optional.ofNullable(model)));
    }

    @Override
    public Integer call() {
      if (input != null) {
        options.overrides.add("scoring.input=" + input);
      }
      if (where != null) {
        options.overrides.add("scoring.where=" + where);
      }
      return super.call();
    }
  }

  @Command(name = "reproduce", mixinStandardHelpOptions = true,
      description = "Retrain a registered model from its recorded config, training set version and run date, and "
          + "say whether the booster is byte for byte the same.")
  static final class Reproduce extends StageCommand {
    @picocli.CommandLine.Parameters(index = "0", paramLabel = "MODEL", description = "models:/<name>/<version> or "
        + "models:/<name>@<alias>")
    String model;

    private Reproduction plan;

    @Override
    List<Stage> stages(LoadedConfig loaded) {
      return List.of(new TrainStage(), plan.check());
    }

    @Override
    public Integer call() {
      var base = ConfigLoader.fromSystemEnv().loadPipeline(options.config, options.overrides).config();
      plan = Reproduction.plan(base, System.getenv(), dev.lakeforge.core.mlflow.ModelUri.parse(model));
      options.overrides.addAll(plan.overrides());
      options.runDate = plan.runDate();
      if (options.runId == null) {
        options.runId = "reproduce-" + plan.registered().name() + "-v" + plan.registered().version() + "-"
            + java.util.UUID.randomUUID().toString().substring(0, 8);
      }
      var results = runner().run(options, this::stages);
      boolean identical = Boolean.TRUE.equals(results.get(results.size() - 1).metrics().get(Reproduction.IDENTICAL));
      System.out.println(identical ? "reproduced: the retrained booster is byte for byte the registered one"
          : "NOT reproduced: the retrained booster differs from the registered one");
      return 0;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run all stages in order in one process: ingest, validate, features (when the pipeline "
          + "declares feature sets), training-set, train, evaluate, register, score.")
  static final class Run extends StageCommand {
    @Override
    List<Stage> stages(LoadedConfig loaded) {
      return pipeline(loaded);
    }

    /** A lake path for people: a URI (s3a://...) as it is, a local path made absolute. */
    private static String where(String path) {
      return path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") ? path : Path.of(path).toAbsolutePath().toString();
    }

    @Override
    public Integer call() {
      var results = runner().run(options, this::stages);
      var config = results.isEmpty() ? null : ConfigLoader.fromSystemEnv().loadPipeline(options.config,
          options.overrides).config();
      if (config != null) {
        var register = results.stream().filter(r -> r.stage().equals(RegisterStage.NAME)).findFirst();
        var score = results.stream().filter(r -> r.stage().equals(ScoreStage.NAME)).findFirst();
        System.out.println();
        System.out.println("Tables:   " + where(config.lake().root()) + " (bronze, silver, "
            + "quarantine, features, training_sets)");
        score.ifPresent(s -> System.out.println("Export:   " + where(s.output(ScoreStage.EXPORT))));
        register.ifPresent(r -> System.out.println("MLflow:   " + r.output("tracking_uri") + "/#/models/"
            + config.registry().modelName() + " (" + r.output("model_uri") + ", alias " + r.output("alias") + ")"));
        System.out.printf("Total:    %.1f s%n", results.stream().mapToLong(r -> r.millis()).sum() / 1000.0);
      }
      return 0;
    }
  }

  /** Every stage in flow order; the features stage only when there are feature sets to compute. */
  static List<Stage> pipeline(LoadedConfig loaded) {
    List<Stage> stages = new ArrayList<>(List.of(new IngestStage(), new ValidateStage()));
    if (!loaded.config().featureSets().isEmpty()) {
      stages.add(new FeatureSetStage());
    }
    stages.addAll(List.of(new TrainingSetStage(), new TrainStage(), new EvaluateStage(System.getenv()),
        new RegisterStage(Optional.empty(), false, System.getenv()), new ScoreStage(System.getenv())));
    return stages;
  }

  @Command(name = "config", mixinStandardHelpOptions = true, description = "Work with pipeline configs.",
      subcommands = {ConfigCheck.class})
  static final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Load and check a pipeline config and its Spark profile without starting Spark.")
  static final class ConfigCheck implements Callable<Integer> {
    @Mixin
    CommonOptions options;

    @Override
    public Integer call() {
      ConfigLoader loader = ConfigLoader.fromSystemEnv();
      LoadedConfig loaded = loader.loadPipeline(options.config, options.overrides);
      var profile = SparkSessions.loadProfile(options.profile, options.confDir(), loader);
      var c = loaded.config();
      System.out.printf("config ok: %s (pipeline %s, sha256 %s)%n", options.config, c.pipeline(), loaded.hash());
      System.out.printf("  sources: %s; validation: %s; feature sets: %s; training sets: %s; model: %s; "
              + "profile: %s%n",
          String.join(", ", new java.util.TreeSet<>(c.sources().keySet())),
          String.join(", ", new java.util.TreeSet<>(c.validation().keySet())),
          String.join(", ", c.featureSets().keySet()), String.join(", ", c.trainingSets().keySet()),
          c.registry().modelName(), options.profile);
      var t = c.training();
      // The trainer refuses unknown params and values out of range here too, before anything would run.
      dev.lakeforge.training.Trainers.forAlgorithm(t.algorithm()).check(t.params(), t.task());
      System.out.printf("  training: %s (%s) on %s, split %s, device %s%s%n", t.algorithm(), t.task(),
          c.trainingSets().isEmpty() ? "(no training set)" : TrainingSetStage.trainingSetName(c), t.split().kind(), t.device(), t.sweep() == null ? ""
              : ", sweep: " + t.sweep().strategy() + " over " + String.join(", ", new java.util.TreeSet<>(
                  t.sweep().space().keySet())));
      System.out.println("  spark settings of profile " + options.profile + " here:");
      SparkSessions.settings(profile).forEach((k, v) -> System.out.printf("    %s=%s%n", k, v));
      return 0;
    }
  }

  /** For tests: the stage list of a subcommand. */
  static Function<LoadedConfig, List<Stage>> pipelineStages() {
    return LakeforgeMain::pipeline;
  }
}
