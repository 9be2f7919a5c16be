package dev.lakeforge.app;

import dev.lakeforge.core.config.ConfigLoader;
import dev.lakeforge.core.config.LoadedConfig;
import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.BuildInfo;
import dev.lakeforge.core.spark.SparkSessions;
import dev.lakeforge.features.TrainingSetStage;
import dev.lakeforge.registry.RegisterStage;
import dev.lakeforge.registry.Reproduction;
import dev.lakeforge.scoring.ScoreStage;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lakeforge} command line: one subcommand per stage, {@code run} for all, {@code config check}. */
@Command(name = "lakeforge", mixinStandardHelpOptions = true, versionProvider = LakeforgeMain.Version.class,
    description = "Batch machine learning on Spark and Delta: ingest, validate, features, training-set, train or "
        + "sweep, evaluate, register, score.",
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

  /** Runs a command with the process's environment and returns its exit code. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    return execute(args, out, err, System.getenv());
  }

  /** Runs a command and returns its exit code; never lets a stack trace reach the console. */
  static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
    Services services = new Services(environment, new PrintWriter(out, true), new PrintWriter(err, true));
    CommandLine cli = commandLine(services);
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
      // One error line (and picocli's "did you mean" for a mistyped option), not the whole option list.
      err.println("lakeforge: usage error: " + e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
      err.println("See `" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help` for the options.");
      return ErrorKind.USAGE.exitCode();
    });
    return cli.execute(args);
  }

  /**
   * The command tree: one subcommand per {@link StageCatalog} entry in flow order, then {@code run} and the tools.
   * Every command gets {@code services} through its constructor (picocli's factory) and writes to its streams.
   */
  static CommandLine commandLine(Services services) {
    CommandLine.IFactory factory = new ServicesFactory(services);
    CommandLine cli = new CommandLine(new LakeforgeMain(), factory);
    for (StageCatalog.Entry<?> entry : StageCatalog.STAGES) {
      cli.addSubcommand(entry.name(), new StageCommand<>(entry, services).commandLine(factory));
    }
    CommandLine run = new CommandLine(new Run(services), factory);
    run.getCommandSpec().usageMessage().description(StageCatalog.runDescription());
    cli.addSubcommand(run);
    for (Class<?> tool : List.of(TablesCommands.Tables.class, TablesCommands.Profile.class, ConfigCommand.class,
        AliasCommands.Alias.class, Reproduce.class)) {
      cli.addSubcommand(new CommandLine(tool, factory));
    }
    // After the subcommands: picocli gives a converter to the commands registered before it.
    cli.registerConverter(java.time.LocalDate.class, LakeforgeMain::date);
    cli.setOut(services.out());
    cli.setErr(services.err());
    return cli;
  }

  /** A date option's value (yyyy-MM-dd), refused with the format to write instead of java.time's parse error. */
  static java.time.LocalDate date(String value) {
    try {
      return java.time.LocalDate.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a date. Fix: write YYYY-MM-DD, e.g. "
          + "2001-06-15");
    }
  }

  /** picocli's factory, giving {@link Services} to every command class with a {@code (Services)} constructor. */
  private record ServicesFactory(Services services) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        var constructor = type.getDeclaredConstructor(Services.class);
        constructor.setAccessible(true);
        return constructor.newInstance(services);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
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

  /** One stage of {@link StageCatalog}: its options are {@link CommonOptions} plus the stage's own mixin. */
  @Command(mixinStandardHelpOptions = true)
  static final class StageCommand<O extends StageOptions> extends RunnerCommand {
    private final StageCatalog.Entry<O> entry;
    private final O stageOptions;

    StageCommand(StageCatalog.Entry<O> entry, Services services) {
      super(services);
      this.entry = entry;
      this.stageOptions = entry.options().get();
    }

    CommandLine commandLine(CommandLine.IFactory factory) {
      CommandLine cli = new CommandLine(this, factory);
      cli.getCommandSpec().addMixin("stage", CommandLine.Model.CommandSpec.forAnnotatedObjectLenient(stageOptions));
      cli.getCommandSpec().usageMessage().description(entry.description().toArray(String[]::new));
      return cli;
    }

    @Override
    public Integer call() {
      stageOptions.apply(options);
      runner().run(options, loaded -> List.of(entry.factory().create(stageOptions)));
      return 0;
    }
  }

  @Command(name = "reproduce", mixinStandardHelpOptions = true,
      description = "Retrain a registered model from its recorded config, training set version and run date, and "
          + "say whether the booster is byte for byte the same.")
  static final class Reproduce extends RunnerCommand {
    @picocli.CommandLine.Parameters(index = "0", paramLabel = "MODEL", description = "models:/<name>/<version> or "
        + "models:/<name>@<alias>")
    String model;

    Reproduce(Services services) {
      super(services);
    }

    @Override
    public Integer call() {
      var base = services.configLoader().loadPipeline(options.config, options.overrides).config();
      Reproduction plan = Reproduction.plan(base, services.environment(),
          dev.lakeforge.core.mlflow.ModelUri.parse(model));
      options.overrides.addAll(plan.overrides());
      options.runDate = plan.runDate();
      if (options.runId == null) {
        options.runId = "reproduce-" + plan.registered().name() + "-v" + plan.registered().version() + "-"
            + java.util.UUID.randomUUID().toString().substring(0, 8);
      }
      var results = runner().run(options,
          loaded -> List.of(StageCatalog.TRAIN.createDefault(), plan.check())).results();
      boolean identical = Boolean.TRUE.equals(results.get(results.size() - 1).metrics().get(Reproduction.IDENTICAL));
      services.out().println(identical ? "reproduced: the retrained booster is byte for byte the registered one"
          : "NOT reproduced: the retrained booster differs from the registered one");
      return 0;
    }
  }

  /** {@code lakeforge run}: the catalog's stages that {@link StageCatalog#pipeline} picks for the config. */
  @Command(name = "run", mixinStandardHelpOptions = true)
  static final class Run extends RunnerCommand {
    Run(Services services) {
      super(services);
    }

    /** A lake path for people: a URI (s3a://...) as it is, a local path made absolute. */
    private static String where(String path) {
      return path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") ? path : Path.of(path).toAbsolutePath().toString();
    }

    @Override
    public Integer call() {
      var ran = runner().run(options, loaded -> StageCatalog.pipeline(loaded.config()));
      var results = ran.results();
      if (results.isEmpty()) {
        return 0;
      }
      var config = ran.loaded().config();
      PrintWriter out = services.out();
      var register = results.stream().filter(r -> r.stage().equals(RegisterStage.NAME)).findFirst();
      var score = results.stream().filter(r -> r.stage().equals(ScoreStage.NAME)).findFirst();
      out.println();
      out.println("Tables:   " + where(config.lake().root()) + " (bronze, silver, quarantine, features, "
          + "training_sets)");
      score.ifPresent(s -> out.println("Export:   " + where(s.output(ScoreStage.EXPORT))));
      register.ifPresent(r -> out.println("MLflow:   " + r.output("tracking_uri") + "/#/models/"
          + config.registry().modelName() + " (" + r.output("model_uri") + ", alias " + r.output("alias") + ")"));
      out.printf("Total:    %.1f s%n", results.stream().mapToLong(r -> r.millis()).sum() / 1000.0);
      return 0;
    }
  }

  @Command(name = "config", mixinStandardHelpOptions = true, description = "Work with pipeline configs.",
      subcommands = {ConfigCheck.class})
  static final class ConfigCommand extends CommandGroup {}

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Load and check a pipeline config and its Spark profile without starting Spark.")
  static final class ConfigCheck extends RunnerCommand {
    ConfigCheck(Services services) {
      super(services);
    }

    @Override
    public Integer call() {
      PrintWriter out = services.out();
      ConfigLoader loader = services.configLoader();
      LoadedConfig loaded = loader.loadPipeline(options.config, options.overrides);
      var profile = SparkSessions.loadProfile(options.profile, options.confDir(), loader);
      var c = loaded.config();
      var t = c.training();
      // The trainer refuses unknown params and values out of range, and each stage what it checks from the config
      // alone (Stage.check: evaluate's gate names), here too, before anything would run.
      dev.lakeforge.training.Trainers.forAlgorithm(t.algorithm()).check(t.params(), t.taskKind());
      StageCatalog.STAGES.forEach(entry -> entry.createDefault().check(c));
      out.printf("config ok: %s (pipeline %s, sha256 %s)%n", options.config, c.pipeline(), loaded.hash());
      out.printf("  sources: %s; validation: %s; feature sets: %s; training sets: %s; model: %s; "
              + "profile: %s%n",
          String.join(", ", new java.util.TreeSet<>(c.sources().keySet())),
          String.join(", ", new java.util.TreeSet<>(c.validation().keySet())),
          String.join(", ", c.featureSets().keySet()), String.join(", ", c.trainingSets().keySet()),
          c.registry().modelName(), options.profile);
      out.printf("  training: %s (%s) on %s, split %s, device %s%s%n", t.algorithm(), t.taskKind(),
          c.trainingSets().isEmpty() ? "(no training set)" : TrainingSetStage.trainingSetName(c), t.split().kind(), t.device(), t.sweep() == null ? ""
              : ", sweep: " + t.sweep().strategy() + " over " + String.join(", ", new java.util.TreeSet<>(
                  t.sweep().space().keySet())));
      out.println("  spark settings of profile " + options.profile + " here:");
      SparkSessions.settings(profile).forEach((k, v) -> out.printf("    %s=%s%n", k, v));
      return 0;
    }
  }
}
