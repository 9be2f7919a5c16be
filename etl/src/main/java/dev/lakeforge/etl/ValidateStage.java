package dev.lakeforge.etl;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakeforge.core.config.SourceConfig;
import dev.lakeforge.core.config.ValidationConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.VersionedFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Splits {@code bronze.<source>} into {@code silver.<entity>} (rows passing every error rule) and
 * {@code quarantine.<entity>} (the others, with every rule they failed and why). All rule counts come from one
 * aggregation; rows in = kept + quarantined is checked against what Delta reports it wrote.
 */
public final class ValidateStage implements Stage {
  public static final String NAME = "validate";
  public static final String FAILED_RULES = "_failed_rules";
  public static final String REASON = "_reason";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    StageResult.Builder result = context.result(NAME);
    for (Map.Entry<String, ValidationConfig> e : new TreeMap<>(context.config().validation()).entrySet()) {
      validate(context, e.getKey(), e.getValue(), result);
    }
    return result.build();
  }

  private void validate(RunContext context, String entity, ValidationConfig suite, StageResult.Builder result) {
    SourceConfig source = context.config().sources().get(suite.source());
    if (source == null) {
      throw Errors.configInvalid("validation." + entity, "source '" + suite.source()
          + "' is not one of sources: " + String.join(", ", context.config().sources().keySet()));
    }
    Lake lake = context.lake();
    VersionedFrame bronze = lake.read(TableRef.of("bronze", suite.source()), IngestStage.NAME);
    result.read(bronze.version());
    String sameRunDate = IngestStage.RUN_DATE + " = '" + context.runDate() + "'";
    Dataset<Row> rows = source.incremental() ? bronze.rows().filter(sameRunDate) : bronze.rows();

    List<CompiledRule> rules = new ArrayList<>();
    for (var rule : suite.rules()) {
      rules.add(CompiledRule.compile(rule, bronze.version().table(), rows.columns()));
    }
    Column[] errorNames = rules.stream().filter(r -> r.rule().quarantines())
        .map(r -> when(r.failed(), lit(r.rule().name()))).toArray(Column[]::new);
    Column[] errorReasons = rules.stream().filter(r -> r.rule().quarantines())
        .map(r -> when(r.failed(), r.reason())).toArray(Column[]::new);
    Dataset<Row> annotated = rows
        .withColumn(FAILED_RULES, errorNames.length == 0 ? array().cast("array<string>") : array_compact(array(errorNames)))
        .withColumn(REASON, concat_ws("; ", errorReasons))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // One aggregation for the whole suite: the row count and every rule's failure count.
      List<Column> aggs = new ArrayList<>();
      aggs.add(count(lit(1)).as("rows_in"));
      aggs.add(sum(when(size(col(FAILED_RULES)).gt(0), 1).otherwise(0)).as("rows_quarantined"));
      for (CompiledRule r : rules) {
        aggs.add(sum(when(r.failed(), 1).otherwise(0)).as("rule." + r.rule().name()));
      }
      Row counts = annotated.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).head();
      long rowsIn = counts.getLong(0);
      long expectedQuarantined = counts.isNullAt(1) ? 0 : counts.getLong(1);
      for (int i = 0; i < rules.size(); i++) {
        CompiledRule r = rules.get(i);
        long failed = counts.isNullAt(2 + i) ? 0 : counts.getLong(2 + i);
        result.metric(entity + ".rule." + r.rule().name() + "." + r.rule().severity(), failed);
      }

      String metadata = context.commitMetadata(NAME);
      Dataset<Row> bad = annotated.filter(size(col(FAILED_RULES)).gt(0));
      Lake.WriteResult quarantine = lake.replaceWhere(bad, TableRef.of("quarantine", entity), sameRunDate, metadata);
      result.wrote(quarantine.version());
      double fraction = rowsIn == 0 ? 0 : (double) quarantine.rowsWritten() / rowsIn;
      result.metric(entity + ".rows_in", rowsIn)
          .metric(entity + ".rows_quarantined", quarantine.rowsWritten())
          .metric(entity + ".quarantine_fraction", fraction);
      if (fraction > suite.maxQuarantineFraction()) {
        throw Errors.dataQualityGate(entity, String.format("%d of %d rows (%.4f) failed error rules, above "
            + "max_quarantine_fraction %.4f; silver.%s was not updated", quarantine.rowsWritten(), rowsIn,
            fraction, suite.maxQuarantineFraction(), entity));
      }
      Dataset<Row> good = annotated.filter(size(col(FAILED_RULES)).equalTo(0)).drop(FAILED_RULES, REASON);
      TableRef silver = TableRef.of("silver", entity);
      Lake.WriteResult kept = source.incremental()
          ? lake.replaceWhere(good, silver, sameRunDate, metadata)
          : lake.overwrite(good, silver, metadata);
      result.wrote(kept.version()).metric(entity + ".rows_kept", kept.rowsWritten());
      if (kept.rowsWritten() + quarantine.rowsWritten() != rowsIn
          || quarantine.rowsWritten() != expectedQuarantined) {
        throw new IllegalStateException("row accounting broke for " + entity + ": in " + rowsIn + ", kept "
            + kept.rowsWritten() + ", quarantined " + quarantine.rowsWritten());
      }
    } finally {
      annotated.unpersist();
    }
  }
}
