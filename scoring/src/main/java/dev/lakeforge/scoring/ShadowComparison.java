package dev.lakeforge.scoring;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.RunDate;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.training.ModelStore;
import dev.lakeforge.training.RegisteredModel;
import dev.lakeforge.training.LabelClasses;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.SparkModels;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Champion/challenger shadow scoring: the shadow alias's model scores the same rows, nothing of it is exported,
 * and one aggregation compares the two: how often they predict the same class, and how far apart their scores
 * are. The summary goes to {@code monitoring.shadow} (one row per run date and shadow model) and the run's metrics.
 */
final class ShadowComparison {
  static final TableRef TABLE = TableRef.of("monitoring", "shadow");
  static final StructType SCHEMA = StructType.fromDDL("pipeline STRING, run_date DATE, run_id STRING, "
      + "model STRING, shadow_model STRING, rows BIGINT, agreement DOUBLE, mean_abs_diff DOUBLE, max_abs_diff DOUBLE, "
      + "mean_score DOUBLE, shadow_mean_score DOUBLE");

  private ShadowComparison() {}

  static void run(RunContext context, ModelStore models, String modelName, String shadowAlias,
      RegisteredModel primary, Dataset<Row> primaryScored, Dataset<Row> rows, TaskKind task,
      StageResult.Builder result) {
    Optional<RegisteredModel> shadow = models.byAlias(modelName, shadowAlias);
    if (shadow.isEmpty()) {
      result.output("shadow", "models:/" + modelName + "@" + shadowAlias + " is not set; nothing compared");
      return;
    }
    ModelDirectory dir = shadow.get().directory();
    Dataset<Row> both = SparkModels.transform(SparkModels.load(dir.sparkModel()),
        primaryScored.select(col("*"), col(SparkModels.PREDICTION).as("_p_prediction"),
                ScoreStage.probability(task).as("_p_score"))
            .drop(SparkModels.PREDICTION, SparkModels.PROBABILITY, "rawPrediction", SparkModels.FEATURE_VECTOR),
        dir.info().features());
    // Binary: positive-class probabilities; regression: predictions; multiclass: the predicted class only.
    Column shadowScore = switch (task) {
      case BINARY -> SparkModels.positiveProbability();
      case REGRESSION -> col(SparkModels.PREDICTION).cast("double");
      default -> lit(null).cast("double");
    };
    Column primaryScore = switch (task) {
      case BINARY -> col("_p_score");
      case REGRESSION -> col("_p_prediction").cast("double");
      default -> lit(null).cast("double");
    };
    Column diff = abs(shadowScore.minus(primaryScore));
    // Multiclass: both predicted classes as label values, since the two models may number their classes apart.
    Column shadowClass = task == TaskKind.MULTICLASS
        ? LabelClasses.toLabel(col(SparkModels.PREDICTION), dir.info().classes()) : col(SparkModels.PREDICTION);
    Column primaryClass = task == TaskKind.MULTICLASS
        ? LabelClasses.toLabel(col("_p_prediction"), primary.directory().info().classes()) : col("_p_prediction");
    Row t = both.agg(count(lit(1)),
        sum(when(shadowClass.equalTo(primaryClass), 1).otherwise(0)),
        avg(diff), max(diff), avg(primaryScore), avg(shadowScore)).head();
    long n = t.getLong(0);
    Double agreement = n == 0 || task == TaskKind.REGRESSION ? null : (double) t.getLong(1) / n;
    Row summary = RowFactory.create(context.config().pipeline(), RunDate.value(context.runDate()), context.runId(),
        primary.label(), shadow.get().label(), n, agreement, t.isNullAt(2) ? null : t.getDouble(2),
        t.isNullAt(3) ? null : t.getDouble(3), t.isNullAt(4) ? null : t.getDouble(4),
        t.isNullAt(5) ? null : t.getDouble(5));
    var written = context.lake().write(context.spark().createDataFrame(List.of(summary), SCHEMA),
        TableWrite.replace(TABLE, RunDate.slice(TABLE, context.runDate()).and("shadow_model",
            shadow.get().label())));
    result.wrote(written.version()).output("shadow", shadow.get().label());
    result.metric("shadow.agreement", agreement == null ? Double.NaN : agreement);
    if (!t.isNullAt(2)) {
      result.metric("shadow.mean_abs_diff", t.getDouble(2));
    }
  }
}
