package dev.lakeforge.scoring;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.lakeforge.core.config.PipelineConfig;
import dev.lakeforge.core.config.SpineConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.evaluation.EvaluateStage;
import dev.lakeforge.evaluation.RegisteredModel;
import dev.lakeforge.evaluation.RegisteredModel.ModelUri;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.VersionedFrame;
import dev.lakeforge.features.FeatureTable;
import dev.lakeforge.features.TrainingSetStage;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.SparkModels;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Scores one day of the training set's point-in-time feature rows with the model the registry alias points at and writes a Parquet export
 * to {@code <output>/day=<day>}, replacing an earlier export of the same day. Each row carries its prediction,
 * probability, and the model name, version and MLflow run id that produced it.
 */
public final class ScoreStage implements Stage {
  public static final String NAME = "score";
  public static final String EXPORT = "export";

  private final Map<String, String> env;
  private final Optional<String> modelUri;

  /** @param modelUri models:/name@alias or models:/name/version; default: the registry's model at scoring.alias */
  public ScoreStage(Map<String, String> env, Optional<String> modelUri) {
    this.env = env;
    this.modelUri = modelUri;
  }

  public ScoreStage(Map<String, String> env) {
    this(env, Optional.empty());
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

    RegisteredModel registered = RegisteredModel.resolve(new MlflowClient(config.registry(), env), uri,
        EvaluateStage.registryCache(context));
    String modelName = registered.name();
    String versionNumber = registered.version();
    String mlflowRunId = registered.runId();
    ModelDirectory model = registered.directory();
    ModelDirectory.Info info = model.info();

    String trainingSet = TrainingSetStage.trainingSetName(config);
    SpineConfig spine = config.trainingSets().get(trainingSet).spine();
    VersionedFrame table = context.lake().read(FeatureTable.trainingSet(trainingSet), TrainingSetStage.NAME);
    result.read(table.version());
    Dataset<Row> rows = table.rows()
        .filter(to_date(col(info.eventTime())).equalTo(lit(day.toString()).cast("date")));
    List<Column> out = new ArrayList<>();
    spine.keys().forEach(k -> out.add(col(k)));
    if (!spine.keys().contains(info.eventTime())) {
      out.add(col(info.eventTime()));
    }
    out.add(col(SparkModels.PREDICTION));
    if (info.task().equals("binary")) {
      out.add(SparkModels.positiveProbability().as("probability"));
    } else if (info.task().equals("multiclass")) {
      out.add(vector_to_array(col(SparkModels.PROBABILITY), "float64").as("probability"));
    }
    out.add(lit(modelName).as("model_name"));
    out.add(lit(versionNumber).as("model_version"));
    out.add(lit(uri.alias()).cast("string").as("model_alias"));
    out.add(lit(mlflowRunId).as("mlflow_run_id"));
    out.add(lit(context.runId()).as("scoring_run_id"));
    out.add(current_timestamp().as("scored_at"));
    String export = config.scoring().output() + "/day=" + day;
    SparkModels.transform(SparkModels.load(model.sparkModel()), rows, info.features()).select(out.toArray(Column[]::new)).write().mode("overwrite").parquet(export);
    long scored = context.spark().read().parquet(export).count();
    return result.metric("rows_scored", scored)
        .output(EXPORT, export)
        .output("model_uri", "models:/" + modelName + "/" + versionNumber)
        .build();
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
