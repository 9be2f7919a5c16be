package dev.lakeforge.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;

import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.table.TableWrite;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Append-only index vocabularies for categorical columns, one Delta table per feature set with rows
 * (column, value, index). Known values keep their index forever; new values get the next indexes, most frequent
 * first, so models trained on older versions still read newer features correctly.
 */
final class FeatureVocabulary {
  private FeatureVocabulary() {}

  static TableRef tableFor(String featureSet) {
    return TableRef.of(FeatureTable.LAYER, featureSet + "_vocab");
  }

  /** Adds unseen values of {@code columns} in {@code rows}; returns the vocabulary version to join with. */
  static Optional<TableVersion> extend(Lake lake, TableRef vocab, Dataset<Row> rows, List<String> columns,
      Map<String, String> facts) {
    if (columns.isEmpty()) {
      return Optional.empty();
    }
    Dataset<Row> seen = null;
    for (String column : columns) {
      Dataset<Row> counts = rows.groupBy(ColumnNames.column(column).cast("string").as("value")).agg(count(lit(1)).as("n"))
          .filter(col("value").isNotNull()).withColumn("column", lit(column));
      seen = seen == null ? counts : seen.unionByName(counts);
    }
    Dataset<Row> fresh;
    if (lake.exists(vocab)) {
      Dataset<Row> known = lake.read(vocab).rows();
      Dataset<Row> offsets = known.groupBy("column").agg(max("index").plus(1).as("offset"));
      fresh = seen.join(known, seen.col("column").equalTo(known.col("column"))
              .and(seen.col("value").equalTo(known.col("value"))), "left_anti")
          .join(offsets, "column", "left")
          .withColumn("offset", coalesce(col("offset"), lit(0L)));
    } else {
      fresh = seen.withColumn("offset", lit(0L));
    }
    var order = Window.partitionBy("column").orderBy(col("n").desc(), col("value"));
    Dataset<Row> numbered = fresh.withColumn("index", col("offset").plus(row_number().over(order)).minus(1))
        .select(col("column"), col("value"), col("index").cast("long"));
    return Optional.of(lake.write(numbered, TableWrite.append(vocab).facts(facts)).version());
  }
}
