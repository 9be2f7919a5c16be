package dev.lakeforge.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.config.DimensionJoinConfig;
import dev.lakeforge.core.config.FeatureConfig;
import dev.lakeforge.core.config.FeatureSetConfig;
import dev.lakeforge.core.config.PipelineConfig;
import dev.lakeforge.core.config.TrainingSetConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.table.VersionedFrame;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;

/**
 * A training set's feature columns for a frame of rows, built by one piece of code for both uses (Feast's "same
 * definitions for training and inference"): {@link TrainingSetStage} for the labelled spine, and
 * {@link #forScoring} for rows to score, which have no label. Row features apply the encodings stored with the
 * training set version ({@link RowFeatures.Encodings}), never refit; dimensions are joined as the definition says;
 * each feature set gives its latest row at or before the row's time within its ttl ({@link PointInTimeJoin}).
 */
public final class FeatureRows {
  /**
   * @param rows           keys, event time, the features as doubles (and, for scoring, the unseen markers)
   * @param featureColumns the model inputs, in table order
   * @param unseenColumns  feature name → its 0/1 column marking an input value the encodings do not know (scoring)
   */
  public record Built(Dataset<Row> rows, List<String> featureColumns, Map<String, String> unseenColumns) {}

  /**
   * What rows to score must hold: every column the training set's definition reads from its spine, with the type
   * it had there (so a value is encoded as the training rows' value was), and which of them may not be null.
   *
   * @param columns  column → its type in the spine, in definition order
   * @param notNull  the keys and the event time: a row without them cannot be identified or looked up
   * @param spine    the spine table@version the types come from
   */
  public record Needs(Map<String, DataType> columns, List<String> notNull, TableVersion spine) {}

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private FeatureRows() {}

  /** The columns rows to score need for training set {@code name}: read from the definition and the spine's schema. */
  public static Needs needs(RunContext context, String name) {
    TrainingSetConfig set = definition(context.config(), name);
    VersionedFrame spine = context.lake().read(TableRef.parse(set.spine().source()));
    Map<String, DataType> spineTypes = new LinkedHashMap<>();
    Arrays.stream(spine.rows().schema().fields()).forEach(f -> spineTypes.put(f.name(), f.dataType()));
    Set<String> fromJoins = new LinkedHashSet<>();
    Set<String> wanted = new LinkedHashSet<>(set.spine().keys());
    wanted.add(set.spine().eventTime());
    for (DimensionJoinConfig join : set.joins()) {
      join.on().keySet().stream().filter(c -> !fromJoins.contains(c)).forEach(wanted::add);
      fromJoins.addAll(join.columns().keySet());
    }
    for (FeatureConfig f : set.features()) {
      if (f.categoricalColumn() != null && !fromJoins.contains(f.categoricalColumn())) {
        wanted.add(f.categoricalColumn());
      }
      if (f.expr() != null) { // the spine columns an expression names (its other words are SQL)
        var m = IDENTIFIER.matcher(f.expr());
        while (m.find()) {
          if (spineTypes.containsKey(m.group()) && !fromJoins.contains(m.group())) {
            wanted.add(m.group());
          }
        }
      }
    }
    for (String fs : set.featureSets()) {
      context.config().featureSets().get(fs).entity().stream().filter(c -> !fromJoins.contains(c))
          .forEach(wanted::add);
    }
    Map<String, DataType> columns = new LinkedHashMap<>();
    for (String c : wanted) {
      if (!spineTypes.containsKey(c)) {
        throw Errors.configInvalid("training set '" + name + "'", "column '" + c + "' is not in the spine "
            + spine.version() + " (columns: " + String.join(", ", spineTypes.keySet()) + ")");
      }
      columns.put(c, spineTypes.get(c));
    }
    List<String> notNull = new ArrayList<>(set.spine().keys());
    if (!notNull.contains(set.spine().eventTime())) {
      notNull.add(set.spine().eventTime());
    }
    return new Needs(columns, notNull, spine.version());
  }

  /**
   * The feature columns of training set {@code name} for rows without labels, exactly as {@code trainingSet} (the
   * version the model was trained on) was built: its stored encodings, the definition it was built from (a changed
   * definition is refused), dimensions as declared, and each feature set's current version, which must reach the
   * rows' times: a set whose newest row is older than the newest row to score minus its ttl is refused (exit 3).
   *
   * @param rows rows holding {@link #needs}' columns with their spine types, none of the key or time columns null
   */
  public static Built forScoring(RunContext context, String name, TableVersion trainingSet, Dataset<Row> rows,
      StageResult.Builder result) {
    PipelineConfig config = context.config();
    TrainingSetConfig set = definition(config, name);
    Lake lake = context.lake();
    String owner = "training set '" + name + "'";
    JsonNode built = FeatureTable.commitMetadata(lake, trainingSet);
    String recordedHash = built.path("definition_hash").asText("");
    if (!recordedHash.isEmpty()
        && !recordedHash.equals(FeatureTable.definitionHash(context, FeatureTable.TRAINING_SETS, name))) {
      throw Errors.usage("Cannot build the features of " + owner + " for scoring: because its definition in the "
          + "config differs from the one " + trainingSet + " (the model's training set) was built from, so the "
          + "features would not be the model's", "score with the config the model was trained with, or rebuild the "
          + "training set and retrain");
    }
    boolean fitted = set.features().stream().anyMatch(f -> f.categoricalColumn() != null);
    RowFeatures.Encodings encodings = new RowFeatures.Encodings(Optional.empty(), Map.of(), Map.of(), Map.of());
    if (fitted) {
      String stored = built.path(FeatureTable.ENCODINGS).asText("");
      if (stored.isEmpty()) {
        throw Errors.usage("Cannot build the features of " + owner + " for scoring: because " + trainingSet
            + " records no encodings (it was built before encodings were stored with each version), and refitting "
            + "them on the rows to score would give other features than the model's", "rebuild the training set "
            + "(lakeforge training-set) and retrain, then score with that model");
      }
      TableRef ref = TableRef.parse(stored);
      TableVersion version = new TableVersion(ref.table(), ref.version());
      result.read(version);
      encodings = RowFeatures.Encodings.read(lake, version);
      encodings.vocabulary().ifPresent(result::read);
    }
    Dataset<Row> joined = DimensionJoins.apply(lake, rows, set.joins(), owner, result);
    var spec = new RowFeatures.Spec(owner, set.features(), set.spine().eventTime(), null, null,
        TableRef.of(FeatureTable.TRAINING_SETS, name + "_vocab"));
    RowFeatures rowFeatures = new RowFeatures(lake, result, java.util.Map.of());
    return assemble(lake, config, owner, set, joined, rowFeatures, spec, encodings, null, true, result);
  }

  /**
   * The part both uses share: row features from {@code encodings}, then each feature set as of the row's time.
   *
   * @param rows    the rows with their dimensions joined
   * @param label   the label column to keep (training), or null (scoring)
   * @param scoring mark unseen values and refuse feature sets that do not reach the rows' times
   */
  static Built assemble(Lake lake, PipelineConfig config, String owner, TrainingSetConfig set, Dataset<Row> rows,
      RowFeatures rowFeatures, RowFeatures.Spec spec, RowFeatures.Encodings encodings, Column label, boolean scoring,
      StageResult.Builder result) {
    RowFeatures.Output withRows = rowFeatures.transform(rows, spec, encodings, scoring);
    List<String> featureColumns = new ArrayList<>(withRows.columns());
    Map<String, String> unseen = new LinkedHashMap<>();
    if (scoring) {
      set.features().stream().filter(RowFeatures::marksUnseen)
          .forEach(f -> unseen.put(f.name(), RowFeatures.unseenColumn(f)));
    }

    Set<String> carried = new LinkedHashSet<>(set.spine().keys());
    carried.add(set.spine().eventTime());
    set.featureSets().forEach(fs -> carried.addAll(config.featureSets().get(fs).entity()));
    requireColumns(owner, withRows.rows().columns(), carried);
    List<Column> slim = new ArrayList<>();
    carried.forEach(c -> slim.add(ColumnNames.column(c)));
    featureColumns.forEach(c -> slim.add(ColumnNames.column(c)));
    unseen.values().forEach(c -> slim.add(col(c)));
    if (label != null) {
      slim.add(label);
    }
    Dataset<Row> joined = withRows.rows().select(slim.toArray(Column[]::new));

    Timestamp newestRow = null;
    if (scoring && !set.featureSets().isEmpty()) {
      Row newest = rows.agg(max(ColumnNames.column(set.spine().eventTime()).cast("timestamp"))).first();
      newestRow = newest.isNullAt(0) ? null : newest.getTimestamp(0);
    }
    for (String featureSetName : set.featureSets()) {
      FeatureSetConfig featureSet = config.featureSets().get(featureSetName);
      VersionedFrame table = lake.read(FeatureTable.featureSet(featureSetName));
      result.read(table.version());
      List<String> columns = Arrays.stream(table.rows().columns())
          .filter(c -> !featureSet.entity().contains(c) && !c.equals(featureSet.eventTime())).toList();
      for (String c : columns) {
        if (Arrays.asList(joined.columns()).contains(c)) {
          throw Errors.configInvalid(owner, "feature '" + c + "' of feature set '" + featureSetName
              + "' has the name of a column the training set already has; rename one of them");
        }
      }
      if (newestRow != null) {
        requireFresh(featureSetName, featureSet, table, newestRow, result);
      }
      joined = PointInTimeJoin.asOf(joined, set.spine().eventTime(), table.rows(), featureSet.entity(),
          featureSet.eventTime(), columns, featureSet.ttlLimit());
      featureColumns.addAll(columns);
    }

    List<Column> out = new ArrayList<>();
    set.spine().keys().forEach(k -> out.add(ColumnNames.column(k)));
    if (!set.spine().keys().contains(set.spine().eventTime())) {
      out.add(ColumnNames.column(set.spine().eventTime()));
    }
    featureColumns.forEach(f -> out.add(ColumnNames.column(f).cast("double").as(f)));
    unseen.values().forEach(c -> out.add(col(c)));
    if (label != null) {
      out.add(label);
    }
    return new Built(joined.select(out.toArray(Column[]::new)), featureColumns, unseen);
  }

  /**
   * A feature set must have been materialised up to the rows' times: when its newest row is more than its ttl older
   * than the newest row to score, every such row would get nulls (no history) instead of its features.
   */
  private static void requireFresh(String name, FeatureSetConfig featureSet, VersionedFrame table,
      Timestamp newestRow, StageResult.Builder result) {
    Row newest = table.rows().agg(max(ColumnNames.column(featureSet.eventTime()).cast("timestamp"))).first();
    if (newest.isNullAt(0)) {
      throw Errors.featureSetStale(name, table.version().toString(), "it has no rows", "none");
    }
    Timestamp newestFeature = newest.getTimestamp(0);
    Duration lag = Duration.between(newestFeature.toInstant(), newestRow.toInstant());
    result.metric("feature_set." + name + ".newest_row", newestFeature.toInstant().toString());
    Optional<Duration> ttl = featureSet.ttlLimit();
    if (ttl.isPresent() && lag.compareTo(ttl.get()) > 0) {
      Duration behind = lag.minus(ttl.get());
      throw Errors.featureSetStale(name, table.version().toString(), "its newest row is at "
          + newestFeature.toInstant() + " but rows to score reach " + newestRow.toInstant() + ", " + human(behind)
          + " beyond its ttl of " + featureSet.ttl(), human(behind));
    }
  }

  private static String human(Duration d) {
    long minutes = d.toMinutes();
    return minutes >= 60 * 24 ? String.format("%dd %dh", minutes / 1440, (minutes % 1440) / 60)
        : minutes >= 60 ? String.format("%dh %dmin", minutes / 60, minutes % 60) : d.toSeconds() + "s";
  }

  private static TrainingSetConfig definition(PipelineConfig config, String name) {
    TrainingSetConfig set = config.trainingSets().get(name);
    if (set == null) {
      throw Errors.usage("Cannot find training set '" + name + "': it is not declared",
          "use one of: " + String.join(", ", config.trainingSets().keySet()));
    }
    return set;
  }

  static void requireColumns(String owner, String[] have, Iterable<String> needed) {
    List<String> columns = Arrays.asList(have);
    for (String c : needed) {
      if (!columns.contains(c)) {
        throw Errors.configInvalid(owner, "column '" + c + "' is not in the spine (columns: "
            + String.join(", ", columns) + ")");
      }
    }
  }
}
