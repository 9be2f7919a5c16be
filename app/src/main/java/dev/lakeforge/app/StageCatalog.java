package dev.lakeforge.app;

import dev.lakeforge.core.config.PipelineConfig;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.etl.IngestStage;
import dev.lakeforge.etl.ValidateStage;
import dev.lakeforge.evaluation.DriftStage;
import dev.lakeforge.evaluation.EvaluateStage;
import dev.lakeforge.features.FeatureSetStage;
import dev.lakeforge.features.TrainingSetStage;
import dev.lakeforge.registry.RegisterStage;
import dev.lakeforge.scoring.ScoreStage;
import dev.lakeforge.training.SweepStage;
import dev.lakeforge.training.TrainStage;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Every stage the command line can run, in flow order, written down once: its name, what it does, its own options
 * and how it is built. The stage subcommands, {@code run}'s stage list and {@code run}'s help all come from here.
 */
final class StageCatalog {
  private StageCatalog() {}

  /** Whether {@code lakeforge run} includes a stage. */
  enum InRun {
    ALWAYS(""),
    WITH_FEATURE_SETS(" (when the pipeline declares feature sets)"),
    NEVER("");

    private final String condition;

    InRun(String condition) {
      this.condition = condition;
    }

    boolean includes(PipelineConfig config) {
      return switch (this) {
        case ALWAYS -> true;
        case WITH_FEATURE_SETS -> !config.featureSets().isEmpty();
        case NEVER -> false;
      };
    }
  }

  /** Builds a stage from its parsed options (the environment reaches stages through their run context). */
  @FunctionalInterface
  interface Factory<O extends StageOptions> {
    Stage create(O options);
  }

  /**
   * One stage.
   *
   * @param name the subcommand, also the stage's manifest key ({@link Stage#name()})
   * @param description the subcommand's help, one paragraph per element
   * @param options a fresh, unparsed options object
   * @param layers the lake layers whose tables this stage is the one to write (bronze, silver, ...), which is how a
   *     missing table's error names the stage to run
   */
  record Entry<O extends StageOptions>(String name, InRun inRun, List<String> description, Supplier<O> options,
      Factory<O> factory, List<String> layers) {
    /** The stage with its default options, as {@code run} builds it. */
    Stage createDefault() {
      return factory.create(options.get());
    }
  }

  private static Entry<StageOptions.None> plain(String name, InRun inRun, String description,
      Supplier<Stage> factory, String... layers) {
    return new Entry<>(name, inRun, List.of(description), StageOptions.None::new, options -> factory.get(),
        List.of(layers));
  }

  static final Entry<StageOptions.None> INGEST = plain(IngestStage.NAME, InRun.ALWAYS,
      "Load every configured source into bronze.<source> Delta tables.", IngestStage::new, "bronze");

  static final Entry<StageOptions.None> VALIDATE = plain(ValidateStage.NAME, InRun.ALWAYS,
      "Apply the rules: passing rows to silver.<entity>, failing rows to quarantine.<entity>.",
      ValidateStage::new, "silver", "quarantine", "quality");

  static final Entry<StageOptions.Features> FEATURES = new Entry<>(FeatureSetStage.NAME, InRun.WITH_FEATURE_SETS,
      List.of("Compute feature sets into features.<name> (window aggregates, encodings, dimension joins).",
          "--set NAME (no '=') computes only that feature set; --set key=value still overrides the config."),
      StageOptions.Features::new, o -> new FeatureSetStage(o.set), List.of("features"));

  static final Entry<StageOptions.TrainingSet> TRAINING_SET = new Entry<>(TrainingSetStage.NAME, InRun.ALWAYS,
      List.of("Build a point-in-time correct training set into training_sets.<name>."),
      StageOptions.TrainingSet::new, o -> new TrainingSetStage(o.name), List.of("training_sets"));

  static final Entry<StageOptions.None> TRAIN = plain(TrainStage.NAME, InRun.ALWAYS,
      "Train training.algorithm on the training split; writes a model directory.", TrainStage::new);

  static final Entry<StageOptions.None> SWEEP = plain(SweepStage.NAME, InRun.NEVER,
      "Search training.sweep's space (grid, random or successive halving), record every trial in "
          + "training.trials, and retrain the best config into a model directory.", SweepStage::new, "training");

  static final Entry<StageOptions.None> EVALUATE = plain(EvaluateStage.NAME, InRun.ALWAYS,
      "Compute validation metrics and apply the gates (exit 4 when not blessed).",
      EvaluateStage::new);

  static final Entry<StageOptions.None> DRIFT = plain(DriftStage.NAME, InRun.NEVER,
      "Compare the current batch with the reference (PSI, KS, Wasserstein, Jensen-Shannon, chi-square) into "
          + "monitoring.drift; exit 3 when a fail level is crossed.", DriftStage::new, "monitoring");

  static final Entry<StageOptions.Register> REGISTER = new Entry<>(RegisterStage.NAME, InRun.ALWAYS,
      List.of("Log the model to MLflow, register a version and move the alias when blessed."),
      StageOptions.Register::new, o -> new RegisterStage(o.fromDir(), o.force), List.of());

  static final Entry<StageOptions.Score> SCORE = new Entry<>(ScoreStage.NAME, InRun.ALWAYS,
      List.of("Score a day's features, or new rows without labels (--input), with the aliased model; writes the "
          + "predictions table and an export."),
      StageOptions.Score::new, o -> new ScoreStage(o.modelUri()), List.of("predictions"));

  /** In flow order. */
  static final List<Entry<?>> STAGES = List.of(INGEST, VALIDATE, FEATURES, TRAINING_SET, TRAIN, SWEEP, EVALUATE,
      DRIFT, REGISTER, SCORE);

  /** The stage that writes {@code layer}'s tables, for the "run it first" fix of a missing table; null if none. */
  static String producerOf(String layer) {
    return STAGES.stream().filter(e -> e.layers().contains(layer)).map(Entry::name).findFirst().orElse(null);
  }

  /** What {@code lakeforge run} runs for this config, in flow order. */
  static List<Stage> pipeline(PipelineConfig config) {
    return STAGES.stream().filter(e -> e.inRun().includes(config)).map(Entry::createDefault).toList();
  }

  /** {@code run}'s help: the stages it runs, with their conditions. */
  static String runDescription() {
    return "Run all stages in order in one process: " + STAGES.stream().filter(e -> e.inRun() != InRun.NEVER)
        .map(e -> e.name() + e.inRun().condition).collect(Collectors.joining(", ")) + ".";
  }
}
