package dev.lakeforge.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.config.SpineConfig;
import dev.lakeforge.core.config.SplitConfig;
import dev.lakeforge.core.config.TrainingConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.VersionedFrame;
import dev.lakeforge.features.FeatureTable;
import dev.lakeforge.features.TrainingSetStage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training set version, its features, split and class weights, checked and cached, ready for a trainer: what
 * train and sweep share. Close it to release the cache.
 */
public final class PreparedTraining implements AutoCloseable {
  final Trainer trainer;
  final VersionedFrame table;
  final SpineConfig spine;
  final List<String> features;
  final List<String> featureTypes;
  final TrainerInput input;
  final TrainingDevice device;
  private static final Logger LOG = LoggerFactory.getLogger(PreparedTraining.class);
  final long trainingRows;
  final long validationRows;
  /** The label value of each class index (classification), or null (regression); see {@link LabelClasses}. */
  final LabelClasses classes;

  private PreparedTraining(Trainer trainer, VersionedFrame table, SpineConfig spine, List<String> features,
      List<String> featureTypes, TrainerInput input, TrainingDevice device, long trainingRows, long validationRows,
      LabelClasses classes) {
    this.classes = classes;
    this.trainer = trainer;
    this.table = table;
    this.spine = spine;
    this.features = features;
    this.featureTypes = featureTypes;
    this.input = input;
    this.device = device;
    this.trainingRows = trainingRows;
    this.validationRows = validationRows;
  }

  /** Checks the config first (no data read), then reads, splits, checks and caches the rows. */
  static PreparedTraining prepare(RunContext context, StageResult.Builder result, TrainingSlots slots) {
    TrainingConfig training = context.config().training();
    Trainer trainer = Trainers.forAlgorithm(training.algorithm());
    trainer.check(training.params(), training.taskKind());
    trainer.checkEarlyStopping(training.earlyStopping(), training.taskKind());
    TrainingDevice device = TrainingDevice.choose(training.device(), context.profile(), context.spark());

    String trainingSet = TrainingSetStage.trainingSetName(context.config());
    SpineConfig spine = context.config().trainingSets().get(trainingSet).spine();
    TableRef ref = FeatureTable.trainingSet(trainingSet);
    VersionedFrame table = context.lake().read(training.trainingSetVersion() == null ? ref
        : ref.atVersion(training.trainingSetVersion()));
    result.read(table.version());
    List<String> features = FeatureTable.featureColumns(table.rows().columns(), spine);
    List<String> types = new ArrayList<>();
    for (String feature : features) {
      StructField field = table.rows().schema().apply(feature);
      types.add(field.dataType().simpleString());
    }
    DataSplit split = split(context, spine);
    // Each split's class counts come from one aggregation that also counts the rows without a label (null key):
    // rows waiting to be scored, or a label column with gaps. Those are left out of training and evaluation.
    Dataset<Row> train = split.training(table.rows());
    Dataset<Row> validation = split.validation(table.rows());
    // A string label (weather: fog, rain, ...) becomes class indices first; numeric labels are checked as they are.
    boolean textLabel = table.rows().schema().apply(FeatureTable.LABEL).dataType() instanceof StringType;
    Map<String, Long> textClasses = textLabel ? ClassBalance.textCounts(train, FeatureTable.LABEL) : null;
    Map<Double, Long> classes = textLabel ? Map.of()
        : ClassBalance.counts(train, FeatureTable.LABEL, training.taskKind());
    Map<String, Long> textValidation = textLabel ? ClassBalance.textCounts(validation, FeatureTable.LABEL) : null;
    Map<Double, Long> validationClasses = textLabel ? Map.of()
        : ClassBalance.counts(validation, FeatureTable.LABEL, training.taskKind());
    long unlabelled = textLabel ? ClassBalance.removeUnlabelled(textClasses) + ClassBalance.removeUnlabelled(textValidation)
        : ClassBalance.removeUnlabelled(classes) + ClassBalance.removeUnlabelled(validationClasses);
    if (unlabelled > 0) {
      result.metric("unlabelled_rows", unlabelled);
      LOG.warn("{} has {} rows with a null label in the training and validation splits; training and evaluation "
          + "leave them out. If they are not rows waiting to be scored, add a not_null rule on the label's column to "
          + "quarantine them with a reason", table.version(), unlabelled);
      train = train.filter(col(FeatureTable.LABEL).isNotNull());
      validation = validation.filter(col(FeatureTable.LABEL).isNotNull());
    }
    long trainingRows = (textLabel ? textClasses : classes).values().stream().mapToLong(Long::longValue).sum();
    if (trainingRows == 0) {
      throw Errors.featureInput(table.version().toString(), "has no labelled rows in the training split ("
          + describe(split.config()) + ")", "check the split in training.split and the spine filter, then rerun");
    }
    LabelClasses labelClasses;
    if (textLabel) {
      labelClasses = LabelClasses.checkText(textClasses, textValidation, training.taskKind(),
          table.version().toString());
      classes = labelClasses.indexCounts(textClasses);
      validationClasses = labelClasses.indexCounts(textValidation);
      train = train.withColumn(FeatureTable.LABEL, LabelClasses.toIndex(col(FeatureTable.LABEL), labelClasses));
      validation = validation.withColumn(FeatureTable.LABEL,
          LabelClasses.toIndex(col(FeatureTable.LABEL), labelClasses));
    } else {
      labelClasses = LabelClasses.check(classes, validationClasses, training.taskKind(), table.version().toString());
    }
    long validationRows = validationClasses.values().stream().mapToLong(Long::longValue).sum();
    ClassBalance.requireTwoClasses(classes, FeatureTable.LABEL, training.taskKind());
    refuseInfinite(train, features, table.version().toString());
    String weight = null;
    if ("balanced".equals(training.classWeight())) {
      train = ClassBalance.withBalancedWeights(train, FeatureTable.LABEL, classes);
      weight = ClassBalance.WEIGHT;
    }
    if (!textLabel && labelClasses != null && !labelClasses.identity()) { // labels 1..K: trainers take 0..K-1
      train = train.withColumn(FeatureTable.LABEL, LabelClasses.toIndex(col(FeatureTable.LABEL), labelClasses));
      validation = validation.withColumn(FeatureTable.LABEL,
          LabelClasses.toIndex(col(FeatureTable.LABEL), labelClasses));
    }
    if (trainer instanceof XGBoostTrainer) {
      NativeMemoryCheck.warning(trainingRows, features.size(), slots.workers(), context.spark().sparkContext().conf())
          .ifPresent(LOG::warn);
    }
    train = trainer.cacheLayout(train, slots.workers()).persist(StorageLevel.MEMORY_AND_DISK());
    validation = validation.persist(StorageLevel.MEMORY_AND_DISK());
    TrainerInput input = new TrainerInput(train, validationRows == 0 ? null : validation, features,
        FeatureTable.LABEL, training.taskKind(), weight, training.earlyStopping(), slots.workers(),
        slots.threadsPerWorker(), device.device(), device.featureArray());
    return new PreparedTraining(trainer, table, spine, features, List.copyOf(types), input, device, trainingRows,
        validationRows, labelClasses);
  }

  /** The split train, sweep and evaluate apply; random splits hash the spine's keys and event time. */
  public static DataSplit split(RunContext context, SpineConfig spine) {
    List<String> identity = new ArrayList<>(spine.keys());
    if (!identity.contains(spine.eventTime())) {
      identity.add(spine.eventTime());
    }
    return new DataSplit(context.config().training().split(), identity);
  }

  /** Trains with {@code params} and writes the model directory. */
  ModelDirectory fitAndSave(RunContext context, Map<String, Object> params, String dir) {
    ModelDirectory out = new ModelDirectory(context.storage(), dir);
    try (TrainedModel model = trainer.fit(input, params)) {
      out.save(model);
      SplitConfig split = context.config().training().split();
      Map<String, Object> splitInfo = new LinkedHashMap<>();
      splitInfo.put("kind", split.kind());
      splitInfo.put("column", split.column());
      splitInfo.put("validate_from", split.validateFrom());
      splitInfo.put("validate_until", split.validateUntil());
      splitInfo.put("fraction", split.fraction());
      splitInfo.put("seed", split.seed());
      splitInfo.put("group", split.group());
      out.writeJson(ModelDirectory.INFO, new ModelDirectory.Info(trainer.algorithm(), input.task(), features,
          featureTypes, FeatureTable.LABEL, spine.eventTime(), table.version().toString(), model.params(), splitInfo,
          trainingRows, validationRows, device.device(), model.bestIteration(), context.runId(),
          context.configHash(), model.roundsTrained(), model.roundsKept(), classes));
      // How the Spark-free scorer computes these features from raw rows, frozen with the model.
      out.writeJson(dev.lakeforge.features.RowFeatureRecipe.FILE, dev.lakeforge.features.RowFeatureRecipe.of(
          context.spark(), context.lake(), context.config(), TrainingSetStage.trainingSetName(context.config()),
          table.version(), features));
    }
    return out;
  }

  @Override
  public void close() {
    input.training().unpersist();
    if (input.validation() != null) {
      input.validation().unpersist();
    }
  }

  private static void refuseInfinite(Dataset<Row> rows, List<String> features, String table) {
    List<Column> counts = new ArrayList<>();
    for (String f : features) {
      Column value = ColumnNames.column(f).cast("double");
      counts.add(sum(when(value.equalTo(lit(Double.POSITIVE_INFINITY)).or(value.equalTo(lit(Double.NEGATIVE_INFINITY))),
          1).otherwise(0)).as(f));
    }
    Row row = rows.agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new)).first();
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      if (!row.isNullAt(i) && row.getLong(i) > 0) {
        bad.add(features.get(i) + " (" + row.getLong(i) + " rows)");
      }
    }
    if (!bad.isEmpty()) {
      throw Errors.featureInput(table, "has infinite values in " + String.join(", ", bad),
          "fix the feature definitions (e.g. a division by zero) or filter those rows; NaN and null are fine: they "
              + "mean missing");
    }
  }

  private static String describe(SplitConfig split) {
    return switch (split.kind()) {
      case "time" -> "rows with " + split.column() + " < " + split.validateFrom();
      case "group" -> "groups of " + String.join(", ", split.group());
      default -> "random, validation fraction " + split.fraction();
    };
  }
}
