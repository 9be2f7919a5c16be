package dev.lakeforge.evaluation;

import static org.apache.spark.sql.functions.col;

import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.table.VersionedFrame;
import dev.lakeforge.features.FeatureStatistics;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * A drift reference read from a feature or training set's stored statistics: per numeric feature, the histogram of
 * its fit window on quantile edges (count and mean per bin) and its standard deviation.
 *
 * @param version           the set's table version the statistics describe
 * @param statisticsVersion the {@code _stats} table version read
 */
record StoredReference(TableVersion version, TableVersion statisticsVersion, Map<String, Histogram> histograms) {
  /** One feature's reference: bins are [-inf, e0), [e0, e1), ..., [e_last, +inf). */
  record Histogram(double[] edges, long[] counts, double[] means, double stddev) {}

  List<String> features() {
    return List.copyOf(histograms.keySet());
  }

  Histogram histogram(String feature) {
    return histograms.get(feature);
  }

  /** @param wanted the features to read, every one required; null reads every feature that has a histogram */
  static StoredReference read(Lake lake, TableRef set, List<String> wanted) {
    long version = lake.resolveVersion(set);
    TableVersion described = new TableVersion(set.table(), version);
    TableRef statsTable = FeatureStatistics.tableFor(TableRef.parse(set.table()));
    VersionedFrame stats = lake.read(statsTable);
    List<Row> rows = stats.rows().filter(col("table_version").equalTo(version)).collectAsList();
    if (rows.isEmpty()) {
      throw Errors.configInvalid("drift.reference_statistics", statsTable + " has no statistics of " + described
          + "; rerun the stage that writes " + set.table() + " or pin a version that has them");
    }
    Map<String, Histogram> histograms = new LinkedHashMap<>();
    for (Row row : rows) {
      String feature = row.getAs("feature");
      if (wanted != null && !wanted.contains(feature)) {
        continue;
      }
      int edgesAt = row.fieldIndex("bin_edges");
      if (wanted == null && row.isNullAt(edgesAt)) {
        continue;
      }
      if (row.isNullAt(edgesAt)) {
        throw Errors.configInvalid("drift.reference_statistics", "the statistics of " + described + " were "
            + "written before histograms were stored; rerun the stage that writes " + set.table());
      }
      double[] edges = row.<Double>getList(edgesAt).stream().mapToDouble(Double::doubleValue).toArray();
      long[] counts = row.<Long>getList(row.fieldIndex("bin_counts")).stream().mapToLong(Long::longValue).toArray();
      double[] means = row.<Double>getList(row.fieldIndex("bin_means")).stream()
          .mapToDouble(m -> m == null ? 0 : m).toArray();
      Object sd = row.getAs("stddev");
      histograms.put(feature, new Histogram(edges, counts, means, sd == null ? 0 : (Double) sd));
    }
    for (String feature : wanted == null ? List.<String>of() : wanted) {
      if (!histograms.containsKey(feature)) {
        throw Errors.configInvalid("drift", "column '" + feature + "' has no statistics in " + statsTable + " for "
            + described + " (it has: " + String.join(", ", rows.stream().map(r -> r.<String>getAs("feature"))
            .toList()) + ")");
      }
    }
    return new StoredReference(described, stats.version(), histograms);
  }

  @Override
  public String toString() {
    return version + " statistics " + Arrays.toString(histograms.keySet().toArray());
  }
}
