package dev.lakeforge.evaluation;

import dev.lakeforge.core.config.DriftConfig;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.training.ModelDirectory;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Drift of the validation rows against the training set's stored fit-window histograms (one grouped count), with
 * the drift section's thresholds when the pipeline has one: evaluate's check that the split it judged on looks like
 * the data the model learnt from.
 *
 * @param results   one result per numeric model feature with a stored histogram; empty when none was measured
 * @param reference what was compared with, or why nothing was
 */
record TrainingWindowDrift(List<DriftStage.Result> results, String reference) {

  static TrainingWindowDrift measure(RunContext context, ModelDirectory.Info info, Dataset<Row> rows) {
    StoredReference stored;
    try {
      stored = StoredReference.read(context.lake(), TableRef.parse(info.trainingSet()), null);
    } catch (LakeforgeException e) {
      return new TrainingWindowDrift(List.of(), "Not measured: " + info.trainingSet()
          + " has no stored statistics (" + e.getMessage() + ")");
    }
    List<String> numeric = stored.features().stream().filter(info.features()::contains).toList();
    if (numeric.isEmpty()) {
      return new TrainingWindowDrift(List.of(), "Not measured: the stored statistics of " + info.trainingSet()
          + " hold no histogram of a model feature");
    }
    DriftConfig configured = context.config().drift();
    DriftConfig drift = new DriftConfig(null, null, info.trainingSet(), null, null, numeric, null,
        configured == null ? null : configured.bins(), configured == null ? null : configured.thresholds(),
        configured == null ? null : configured.minRows());
    return new TrainingWindowDrift(List.copyOf(DriftStage.compare(drift, stored, rows)), "Validation split of "
        + info.trainingSet() + " against the fit-window histograms stored with it (" + stored.statisticsVersion()
        + "); thresholds from " + (configured == null ? "the defaults" : "drift.thresholds"));
  }
}
