package dev.lakeforge.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.config.FeatureSetConfig;
import dev.lakeforge.core.config.PipelineConfig;
import dev.lakeforge.core.config.SpineConfig;
import dev.lakeforge.core.config.TrainingSetConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.table.VersionedFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.sql.types.StringType;

/**
 * Builds a point-in-time correct training set into {@code training_sets.<name>}: the spine's rows with their label
 * and row features, and each feature set's latest row at or before the row's time ({@link PointInTimeJoin}).
 * The commit records every input table@version; its per-feature statistics go to
 * {@code training_sets.<name>_stats}.
 */
public final class TrainingSetStage implements Stage {
  public static final String NAME = "training-set";
  public static final String TABLE = "training_set_table";

  private final String only;

  /** @param only the training set to build, or null for the one training uses */
  public TrainingSetStage(String only) {
    this.only = only;
  }

  public TrainingSetStage() {
    this(null);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    PipelineConfig config = context.config();
    String name = only != null ? only : trainingSetName(config);
    TrainingSetConfig set = config.trainingSets().get(name);
    if (set == null) {
      throw Errors.usage("Cannot build training set '" + name + "': it is not declared",
          "use one of: " + String.join(", ", config.trainingSets().keySet()));
    }
    StageResult.Builder result = context.result(NAME);
    Lake lake = context.lake();
    String owner = "training set '" + name + "'";
    VersionedFrame spine = spine(lake, set.spine(), owner, result);
    Dataset<Row> joined = DimensionJoins.apply(lake, spine.rows(), set.joins(), owner, result);
    // The spine with its dimensions is read by the null check, every fitted encoding, the as-of joins and the
    // write: cached once, it is scanned and joined once instead of about nine times (docs/benchmarks.md).
    Dataset<Row> rows = joined.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      requireEventTimes(rows, set.spine(), owner, spine.version());
      return build(context, name, set, rows, result);
    } finally {
      rows.unpersist();
    }
  }

  private StageResult build(RunContext context, String name, TrainingSetConfig set, Dataset<Row> rows,
      StageResult.Builder result) {
    PipelineConfig config = context.config();
    Lake lake = context.lake();
    String owner = "training set '" + name + "'";
    FeatureTable.FitWindow fit = FeatureTable.FitWindow.of(config, set.fitUntil(), set.spine().eventTime());
    Column label = col(FeatureTable.LABEL);
    var spec = new RowFeatures.Spec(owner, set.features(), set.spine().eventTime(), fit.contains(), label,
        TableRef.of(FeatureTable.TRAINING_SETS, name + "_vocab"));
    // Fit once, store the state, and build the rows from the stored state: the path scoring takes (FeatureRows).
    RowFeatures rowFeatures = new RowFeatures(lake, result, Map.of());
    RowFeatures.Encodings fitted = rowFeatures.fit(rows, spec);
    java.util.Optional<TableVersion> encodings = fitted.isEmpty() ? java.util.Optional.empty()
        : java.util.Optional.of(fitted.write(lake, FeatureTable.encodings(name), Map.of()));
    RowFeatures.Encodings stored = encodings.map(v -> RowFeatures.Encodings.read(lake, v)).orElse(fitted);
    FeatureRows.Built built = FeatureRows.assemble(lake, config, owner, set, rows, rowFeatures, spec, stored, label,
        false, result);
    Dataset<Row> trainingSet = built.rows();
    List<String> featureColumns = built.featureColumns();

    String inputs = result.inputsSoFar().stream().map(TableVersion::toString).collect(Collectors.joining(","));
    Map<String, String> facts = new java.util.TreeMap<>(Map.of(
        "definition_hash", FeatureTable.definitionHash(context, "training_sets", name), "inputs", inputs));
    // Recorded apart from the inputs: scoring reads the encodings this version was built with (FeatureRows).
    encodings.ifPresent(v -> facts.put(FeatureTable.ENCODINGS, v.toString()));
    encodings.ifPresent(result::wrote);
    Lake.WriteResult written = lake.write(trainingSet, TableWrite.overwrite(FeatureTable.trainingSet(name)).facts(facts));
    return result.wrote(written.version())
        .wrote(FeatureStatistics.record(lake, written.version(), written.rowsWritten(), featureColumns, fit, facts))
        .metric("rows", written.rowsWritten())
        .metric("features", featureColumns.size())
        .output(TABLE, written.version().toString())
        .build();
  }

  /** The training set training uses: training.training_set, or the only one declared. */
  public static String trainingSetName(PipelineConfig config) {
    try {
      return config.trainingSetName();
    } catch (IllegalArgumentException e) {
      throw Errors.configInvalid("training_sets", e.getMessage());
    }
  }

  /** The spine's rows with their label (and filter), and the version of the table they come from. */
  private static VersionedFrame spine(Lake lake, SpineConfig spine, String owner, StageResult.Builder result) {
    VersionedFrame source = lake.read(TableRef.parse(spine.source()));
    result.read(source.version());
    List<String> needed = new ArrayList<>(spine.keys());
    needed.add(spine.eventTime());
    requireColumns(owner, source.rows().columns(), needed);
    Column label = Expressions.compile(owner + " label", spine.label());
    // A string label stays a string (multiclass learns its classes by name); any other type becomes a double.
    Dataset<Row> labelled = Expressions.analysed(owner + " label", () -> {
      Dataset<Row> raw = source.rows().withColumn(FeatureTable.LABEL, label);
      return raw.schema().apply(FeatureTable.LABEL).dataType() instanceof StringType ? raw
          : raw.withColumn(FeatureTable.LABEL, col(FeatureTable.LABEL).cast("double"));
    });
    if (spine.filter() != null) {
      Column filter = Expressions.compile(owner + " spine filter", spine.filter());
      Dataset<Row> all = labelled;
      labelled = Expressions.analysed(owner + " spine filter", () -> all.filter(filter));
    }
    return new VersionedFrame(labelled, source.version());
  }

  private static void requireEventTimes(Dataset<Row> rows, SpineConfig spine, String owner, TableVersion source) {
    Row nulls = rows.agg(sum(when(ColumnNames.column(spine.eventTime()).isNull(), 1).otherwise(0))).first();
    if (!nulls.isNullAt(0) && nulls.getLong(0) > 0) {
      throw Errors.featureInput(owner, source + " has " + nulls.getLong(0) + " spine rows "
              + "with a null event time '" + spine.eventTime() + "', which no feature can be looked up for",
          "add a not_null rule for '" + spine.eventTime() + "' to the source's validation, or a spine filter");
    }
  }

  private static void requireColumns(String owner, String[] have, Iterable<String> needed) {
    List<String> columns = Arrays.asList(have);
    for (String c : needed) {
      if (!columns.contains(c)) {
        throw Errors.configInvalid(owner, "column '" + c + "' is not in the spine (columns: "
            + String.join(", ", columns) + ")");
      }
    }
  }
}
