package dev.lakeforge.features;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.lakeforge.core.config.FeatureConfig;
import dev.lakeforge.core.config.FeatureSetConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.table.VersionedFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Computes the configured feature set into {@code features.<name>}: key columns, the event time, every feature as
 * a double (null where unknown) and the label.
 */
public final class FeaturesStage implements Stage {
  public static final String NAME = "features";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    FeatureSetConfig set = context.config().features();
    StageResult.Builder result = context.result(NAME);
    Lake lake = context.lake();
    VersionedFrame source = lake.read(TableRef.parse(set.source()), "validate");
    result.read(source.version());
    Dataset<Row> rows = source.rows();
    requireColumns(set, rows.columns(), source.version().table());

    List<String> indexed = set.features().stream().filter(f -> f.index() != null).map(FeatureConfig::index)
        .distinct().toList();
    String metadata = context.commitMetadata(NAME);
    TableRef vocabRef = FeatureVocabulary.tableFor(set.name());
    Optional<TableVersion> vocabVersion = FeatureVocabulary.extend(lake, vocabRef, rows, indexed, metadata);
    vocabVersion.ifPresent(result::wrote);

    Dataset<Row> withIndexes = rows;
    for (FeatureConfig f : set.features()) {
      if (f.index() != null) {
        Dataset<Row> vocab = lake.read(new TableRef(vocabRef.layer(), vocabRef.name(), vocabVersion.get().version()),
                NAME).rows()
            .filter(col("column").equalTo(f.index()))
            .select(col("value").as("__v_" + f.name()), col("index").cast("double").as(f.name()));
        withIndexes = withIndexes.join(broadcast(vocab),
            withIndexes.col(f.index()).cast("string").equalTo(vocab.col("__v_" + f.name())), "left")
            .drop("__v_" + f.name());
      }
    }
    List<Column> out = new ArrayList<>();
    set.keys().forEach(k -> out.add(col(k)));
    if (!set.keys().contains(set.eventTime())) {
      out.add(col(set.eventTime()));
    }
    for (FeatureConfig f : set.features()) {
      Column value = f.index() != null ? col(f.name()) : compile("feature '" + f.name() + "'", f.expr());
      out.add(value.cast("double").as(f.name()));
    }
    out.add(compile("label", set.label()).cast("double").as(FeatureTable.LABEL));
    Dataset<Row> features;
    try {
      features = withIndexes.select(out.toArray(Column[]::new));
    } catch (Exception e) { // Spark's AnalysisException is undeclared in Java signatures
      if (!(e instanceof org.apache.spark.sql.AnalysisException a)) {
        throw e;
      }
      throw Errors.sqlExpression("features." + set.name(), "(a feature or the label)",
          a.getSimpleMessage().lines().findFirst().orElse("invalid"), e);
    }

    Lake.WriteResult written = lake.overwrite(features, TableRef.of(FeatureTable.LAYER, set.name()), metadata);
    return result.wrote(written.version())
        .metric("rows", written.rowsWritten())
        .metric("features", set.features().size())
        .build();
  }

  private static void requireColumns(FeatureSetConfig set, String[] columns, String table) {
    List<String> have = Arrays.asList(columns);
    List<String> needed = new ArrayList<>(set.keys());
    needed.add(set.eventTime());
    set.features().stream().filter(f -> f.index() != null).forEach(f -> needed.add(f.index()));
    for (String c : needed) {
      if (!have.contains(c)) {
        throw Errors.configInvalid("features." + set.name(), "column '" + c + "' is not in " + table
            + " (its columns: " + String.join(", ", have) + ")");
      }
    }
  }

  private static Column compile(String where, String sql) {
    try {
      return expr(sql);
    } catch (Exception e) {
      throw Errors.sqlExpression(where, sql, e.getMessage().lines().findFirst().orElse("invalid"), e);
    }
  }
}
