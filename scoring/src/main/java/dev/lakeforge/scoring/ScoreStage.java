package dev.lakeforge.scoring;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.config.PipelineConfig;
import dev.lakeforge.core.config.SpineConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.table.RunDate;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.training.ModelStore;
import dev.lakeforge.training.RegisteredModel;
import dev.lakeforge.core.mlflow.ModelUri;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.table.VersionedFrame;
import dev.lakeforge.features.FeatureTable;
import dev.lakeforge.features.TrainingSetStage;
import dev.lakeforge.training.LabelClasses;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.SparkModels;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Scores one day of the training set's point-in-time feature rows with a registered model (by alias or version)
 * and writes them to {@code predictions.<model>} (Delta, one partition per run date, replaced on rerun), then an
 * export of the same rows to {@code <output>/day=<day>} (Parquet or CSV, swapped in whole). Each row carries its
 * keys, prediction, probability, the model name, version, alias and MLflow run id, the input table@version, the
 * scoring run id and time. With {@code scoring.shadow_alias} the same rows are also scored by that alias's model
 * and the two are compared ({@link ShadowComparison}). With {@code scoring.input} naming a source, a table other than
 * a training set, or a file, the rows are new rows without labels ({@link NewRows}): checked, quarantined when bad,
 * and given the model's features by the code that built its training set version.
 */
public final class ScoreStage implements Stage {
  public static final String NAME = "score";
  public static final String EXPORT = "export";
  static final String RUN_DATE = RunDate.COLUMN;

  private final Optional<String> modelUri;

  /** @param modelUri models:/name@alias or models:/name/version; default: the registry's model at scoring.alias */
  public ScoreStage(Optional<String> modelUri) {
    this.modelUri = modelUri;
  }

  public ScoreStage() {
    this(Optional.empty());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    PipelineConfig config = context.config();
    String alias = config.scoring().alias() != null ? config.scoring().alias() : config.registry().alias();
    ModelUri uri = ModelUri.parse(modelUri.orElse("models:/" + config.registry().modelName() + "@" + alias));
    LocalDate day = day(config, context.runDate());
    StageResult.Builder result = context.result(NAME);

    ModelStore models = ModelStore.of(context);
    RegisteredModel registered = models.resolve(uri);
    String modelName = registered.name();
    String versionNumber = registered.version();
    String mlflowRunId = registered.runId();
    ModelDirectory model = registered.directory();
    ModelDirectory.Info info = model.info();

    String trainingSet = TrainingSetStage.trainingSetName(config);
    SpineConfig spine = config.trainingSets().get(trainingSet).spine();
    String configured = config.scoring().input();
    Dataset<Row> rows;
    String inputTable;
    NewRows.Prepared fresh = null;
    if (NewRows.isNewRows(context, configured)) {
      // Rows without labels: their features come from the model's own training set version and definition.
      TableRef trainedOn = TableRef.parse(info.trainingSet());
      spine = config.trainingSets().containsKey(trainedOn.name())
          ? config.trainingSets().get(trainedOn.name()).spine() : spine;
      fresh = NewRows.prepare(context, configured, trainedOn.name(),
          new TableVersion(trainedOn.table(), trainedOn.version()), config.scoring().where(), result);
      rows = fresh.features();
      inputTable = fresh.inputLabel();
    } else {
      TableRef input = configured != null ? TableRef.parse(configured) : FeatureTable.trainingSet(trainingSet);
      VersionedFrame table = context.lake().read(input);
      result.read(table.version());
      rows = rowsToScore(table.rows(), config.scoring().where(), info.eventTime(), day);
      inputTable = table.version().toString();
    }
    List<String> missing = info.features().stream().filter(f -> !Arrays.asList(rows.columns()).contains(f)).toList();
    if (!missing.isEmpty()) {
      throw Errors.usage("Cannot score with " + registered.label() + ": its features " + String.join(", ", missing)
          + " are not in " + inputTable, "score with a model trained on this training set's features");
    }
    Dataset<Row> scored = SparkModels.transform(SparkModels.load(model.sparkModel()), rows, info.features());
    boolean shadow = config.scoring().shadowAlias() != null;
    if (shadow) { // the predictions write and the shadow comparison both read it: score once
      scored = scored.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    }

    List<Column> out = new ArrayList<>();
    spine.keys().stream().filter(k -> Arrays.asList(rows.columns()).contains(k)).forEach(k -> out.add(ColumnNames.column(k)));
    if (!spine.keys().contains(info.eventTime())) {
      out.add(ColumnNames.column(info.eventTime()));
    }
    // A multiclass model predicts class indices; the label values they stand for are in model-info.json.
    out.add(info.task() == TaskKind.MULTICLASS ? LabelClasses.toLabel(col(SparkModels.PREDICTION), info.classes())
        .as(SparkModels.PREDICTION) : col(SparkModels.PREDICTION));
    out.add(probability(info.task()).as("probability"));
    out.add(lit(modelName).as("model_name"));
    out.add(lit(versionNumber).as("model_version"));
    out.add(lit(uri.alias()).cast("string").as("model_alias"));
    out.add(lit(mlflowRunId).as("mlflow_run_id"));
    out.add(lit(inputTable).as("input_table"));
    out.add(lit(context.runId()).as("scoring_run_id"));
    out.add(current_timestamp().as("scored_at"));
    out.add(RunDate.literal(context.runDate()).as(RUN_DATE));
    Dataset<Row> predictions = scored.select(out.toArray(Column[]::new));

    // The table first (one partition per run date, replaced on rerun), then the export copied from it.
    TableRef target = TableRef.of("predictions", modelName);
    var written = context.lake().write(predictions, TableWrite.replacePartition(target, RUN_DATE,
        context.runDate()).facts(Map.of("model", "models:/" + modelName + "/" + versionNumber)));
    result.wrote(written.version());
    Dataset<Row> stored = context.lake().read(TableRef.parse(target + "@v" + written.version().version()))
        .rows().filter(col(RUN_DATE).equalTo(RunDate.literal(context.runDate()))).drop(RUN_DATE);
    long rowsScored = written.rowsWritten();
    result.metric("rows_scored", rowsScored);
    if (fresh != null) {
      // Nothing is lost: every row read was scored, quarantined or removed as a duplicate.
      if (rowsScored + fresh.removed() != fresh.rowsIn()) {
        throw new IllegalStateException("row accounting broke for " + inputTable + ": in " + fresh.rowsIn()
            + ", scored " + rowsScored + ", quarantined or duplicates " + fresh.removed());
      }
      fresh.features().unpersist();
    }
    String format = config.scoring().exportFormat();
    if (!format.equals("none")) {
      String export = context.storage().qualify(config.scoring().output() + "/day=" + day);
      AtomicExport.write(context.storage(), format.equals("csv")
          ? stored.withColumn("probability", col("probability").cast("string")) : stored, format, export);
      result.output(EXPORT, export);
    }
    if (shadow) {
      ShadowComparison.run(context, models, modelName,
          config.scoring().shadowAlias(), registered, scored, rows, info.task(), result);
      scored.unpersist();
    }
    return result.output("model_uri", "models:/" + modelName + "/" + versionNumber)
        .output("predictions", target + "@v" + written.version().version())
        .build();
  }

  /** The configured predicate's rows, or the day's rows by the model's event time. */
  private static Dataset<Row> rowsToScore(Dataset<Row> rows, String where, String eventTime, LocalDate day) {
    if (where == null) {
      return rows.filter(to_date(ColumnNames.column(eventTime)).equalTo(lit(day.toString()).cast("date")));
    }
    try {
      Dataset<Row> out = rows.filter(where);
      out.queryExecution().assertAnalyzed();
      return out;
    } catch (Exception e) {
      throw Errors.sqlExpression("scoring.where", where, dev.lakeforge.core.error.LibraryMessage.of(e), e);
    }
  }

  /** The probability column of each task: the positive class's, every class's, or none (regression). */
  static Column probability(TaskKind task) {
    return switch (task) {
      case BINARY -> SparkModels.positiveProbability();
      case MULTICLASS -> vector_to_array(col(SparkModels.PROBABILITY), "float64");
      default -> lit(null).cast("double");
    };
  }

  private static LocalDate day(PipelineConfig config, LocalDate runDate) {
    if (config.scoring().day() == null) {
      return runDate;
    }
    try {
      return LocalDate.parse(config.scoring().day());
    } catch (DateTimeParseException e) {
      throw Errors.configInvalid("scoring.day", "'" + config.scoring().day() + "' is not a date like 2001-06-15");
    }
  }
}
