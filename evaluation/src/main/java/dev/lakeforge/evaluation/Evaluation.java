package dev.lakeforge.evaluation;

import dev.lakeforge.core.config.TaskKind;
import java.util.List;
import java.util.Map;

/**
 * What evaluation concluded, kept with the model as {@code evaluation.json}; the report is drawn from it.
 *
 * @param metrics         the model's metrics on the validation split
 * @param blessed         every gate passed
 * @param reasons         why not, one line per failed gate
 * @param gates           each gate's verdict
 * @param champion        the registry champion compared with, e.g. "flights_delay@champion (v3)", or null
 * @param championMetrics the champion's metrics on the same rows, or null
 * @param confusion       rows are the actual class, columns the predicted one; null for regression
 * @param classes         the class labels of {@code confusion}
 * @param drift           the validation rows against the training set's stored fit-window statistics
 * @param driftReference  what {@code drift} compared against, or why it is empty
 * @param validatedOn     the training set table@version whose validation split was scored
 * @param lineage         every table this run date's stages read, with its version
 * @param plots           PNG files beside the report
 */
public record Evaluation(String model, String algorithm, TaskKind task, Map<String, Double> metrics, boolean blessed,
    List<String> reasons, List<Gates.Verdict> gates, String champion, Map<String, Double> championMetrics,
    List<SliceMetrics.Slice> slices, long[][] confusion, List<String> classes,
    List<BinaryMetrics.CalibrationBin> calibration, List<DriftStage.Result> drift, String driftReference,
    String validatedOn, double threshold, String runId, String runDate, String configHash,
    Map<String, String> lineage, List<String> plots) {}
