package dev.lakeforge.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.config.EvaluationConfig;
import dev.lakeforge.core.config.SliceConfig;
import dev.lakeforge.core.config.SpineConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.VersionedFrame;
import dev.lakeforge.features.TrainingSetStage;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.ModelStore;
import dev.lakeforge.training.PreparedTraining;
import dev.lakeforge.training.SparkModels;
import dev.lakeforge.training.TrainStage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Scores the validation split of the exact training set version the model was trained on, computes the task's
 * metrics overall and per slice, compares with the registry's champion on the same rows when a gate asks for it,
 * measures drift of the validation rows against the training window, and writes {@code evaluation.json} and the
 * HTML report with its plots next to the model. A model outside a gate is "not blessed": the stage ends with exit
 * 4 and the model is never promoted.
 */
public final class EvaluateStage implements Stage {
  public static final String NAME = "evaluate";
  public static final String BLESSED = "blessed";
  public static final String REPORT = "report";
  static final String LABEL = "_label";
  static final String SCORE = "_score";
  static final String PREDICTION = "_prediction";
  static final String PROBABILITY = "_probability";

  @Override
  public String name() {
    return NAME;
  }

  /** Gates only on metrics the model's task computes ({@link Gates#checkNames}). */
  @Override
  public void check(dev.lakeforge.core.config.PipelineConfig config) {
    Gates.checkNames(config.evaluation().gates(), config.training().taskKind());
  }

  @Override
  public StageResult run(RunContext context) {
    ModelDirectory dir = ModelStore.of(context).trained(context.manifests());
    ModelDirectory.Info info = dir.info();
    EvaluationConfig config = context.config().evaluation();
    StageResult.Builder result = context.result(NAME);

    VersionedFrame table = context.lake().read(TableRef.parse(info.trainingSet()));
    result.read(table.version());
    List<String> columns = Arrays.asList(table.rows().columns());
    for (SliceConfig slice : config.slices()) {
      if (!columns.contains(slice.column())) {
        throw Errors.configInvalid("evaluation.slices", "column '" + slice.column() + "' is not in "
            + table.version() + "; its columns: " + String.join(", ", columns));
      }
    }
    SpineConfig spine = context.config().trainingSets().get(TrainingSetStage.trainingSetName(context.config()))
        .spine();
    Dataset<Row> validation = PreparedTraining.split(context, spine).validation(table.rows())
        .filter(col(info.label()).isNotNull());
    List<String> sliceColumns = config.slices().stream().map(SliceConfig::column).distinct().toList();
    TaskEvaluator evaluator = TaskEvaluator.of(info.task());
    Dataset<Row> scored = score(evaluator, dir, info, validation, sliceColumns)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return evaluate(context, config, evaluator, dir, info, table, validation, scored, result);
    } finally {
      scored.unpersist();
    }
  }

  private StageResult evaluate(RunContext context, EvaluationConfig config, TaskEvaluator evaluator,
      ModelDirectory dir, ModelDirectory.Info info, VersionedFrame table, Dataset<Row> validation,
      Dataset<Row> scored, StageResult.Builder result) {
    checkScored(evaluator, scored, info, table);
    TaskEvaluator.Outcome outcome = evaluator.evaluate(scored, info, config, true);
    Map<String, Double> metrics = outcome.metrics();
    Map<String, byte[]> plots = new LinkedHashMap<>(outcome.plots());
    Gates.check(config.gates(), metrics);

    List<SliceMetrics.Slice> slices = new ArrayList<>();
    for (SliceConfig slice : config.slices()) {
      slices.addAll(SliceMetrics.compute(scored, info.task(), slice, config.threshold()));
    }

    Optional<ChampionComparison> champion = ChampionComparison.of(context, config, evaluator, dir, table, validation,
        metrics);
    String championLabel = champion.map(ChampionComparison::label).orElse(null);
    Map<String, Double> championMetrics = champion.map(ChampionComparison::metrics).orElse(null);
    List<Gates.Verdict> verdicts = Gates.apply(config.gates(), metrics, championMetrics, championLabel);
    List<String> reasons = verdicts.stream().filter(v -> !v.passed()).map(Gates.Verdict::reason).toList();
    boolean blessed = reasons.isEmpty();

    TrainingWindowDrift drift = TrainingWindowDrift.measure(context, info, scored.select(info.features().stream()
        .filter(f -> Arrays.asList(scored.columns()).contains(f)).map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new)));
    plots.putAll(ModelPlots.of(dir, info));

    String modelName = context.config().registry().modelName() + " " + new org.apache.hadoop.fs.Path(dir.root())
        .getName();
    Evaluation evaluation = new Evaluation(modelName, info.algorithm(), info.task(),
        metrics, blessed, reasons, verdicts, championLabel, championMetrics, slices, outcome.confusion(),
        outcome.classes(), outcome.calibration(), drift.results(), drift.reference(), table.version().toString(),
        config.threshold(), context.runId(), context.runDate().toString(), info.configHash(),
        context.manifests().lineage(table.version()), List.copyOf(plots.keySet()));
    dir.writeJson(ModelDirectory.EVALUATION, evaluation);
    if (config.report()) {
      result.output(REPORT, EvaluationReport.write(dir.storage(), dir.file(EvaluationReport.DIRECTORY), evaluation,
          plots));
    }
    metrics.forEach((k, v) -> result.metric(k, v));
    result.output(BLESSED, String.valueOf(blessed)).output(TrainStage.MODEL_DIR, dir.root().toString());
    champion.ifPresent(c -> result.output("champion", c.label()));
    if (!blessed) {
      throw result.failed(Errors.modelGate(context.config().registry().modelName(), String.join("; ", reasons)));
    }
    return result.build();
  }

  /** The label, the model's outputs under fixed names, and the slice and feature columns. */
  static Dataset<Row> score(TaskEvaluator evaluator, ModelDirectory dir, ModelDirectory.Info info,
      Dataset<Row> rows, List<String> sliceColumns) {
    Dataset<Row> out = SparkModels.transform(SparkModels.load(dir.sparkModel()), rows, info.features());
    List<Column> kept = new ArrayList<>();
    kept.add(evaluator.label(info).as(LABEL));
    kept.addAll(evaluator.outputs());
    List<String> extra = new ArrayList<>(sliceColumns);
    info.features().stream().filter(f -> !extra.contains(f)).forEach(extra::add);
    extra.forEach(c -> kept.add(ColumnNames.column(c)));
    return out.select(kept.toArray(Column[]::new));
  }

  /** No rows, NaN predictions or labels the task's metrics are undefined on: refused, named. */
  private static void checkScored(TaskEvaluator evaluator, Dataset<Row> scored, ModelDirectory.Info info,
      VersionedFrame table) {
    Row t = scored.agg(count(lit(1)), sum(when(evaluator.unusable(), 1).otherwise(0)), sum(col(LABEL))).head();
    long rows = t.getLong(0);
    String what = "model " + info.runId() + " on " + table.version();
    if (rows == 0) {
      throw Errors.evaluationInput(what, "the validation split has no labelled rows",
          "check training.split (validate_from, validate_until) against the dates in " + table.version());
    }
    long nan = t.getLong(1);
    if (nan > 0) {
      throw Errors.evaluationInput(what, "the model predicts NaN for " + nan + " of " + rows + " validation rows",
          "look for infinite or extreme feature values in those rows (training refuses infinite values), or "
              + "retrain");
    }
    evaluator.checkLabels(rows, t.getDouble(2), what);
  }
}
