package dev.lakeforge.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeforge.core.config.GateConfig;
import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.error.LakeforgeException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A gate on a metric the task never computes is refused from the config alone, before any data is read. */
class GateNamesTest {
  private static final GateConfig MIN = new GateConfig(0.5, null, null);

  @Test
  void aMistypedMetricIsAConfigErrorListingTheTasksMetrics() {
    LakeforgeException e = assertThrows(LakeforgeException.class,
        () -> Gates.checkNames(Map.of("auc_roc", MIN, "auc_rco", MIN), TaskKind.BINARY));
    assertEquals(2, e.exitCode());
    assertEquals("Cannot load config evaluation.gates.auc_rco: a binary model's evaluation has no metric 'auc_rco'. "
        + "Fix: gate on one of accuracy, auc_pr, auc_roc, best_f1, best_f1_threshold, brier, f1, fn, fp, log_loss, "
        + "positive_rate, precision, recall, rows, tn, tp.", e.getMessage());
    assertThrows(LakeforgeException.class, () -> Gates.checkNames(Map.of("auc_roc", MIN), TaskKind.REGRESSION));
  }

  @Test
  void everyMetricATaskComputesMayBeGated() {
    Gates.checkNames(Map.of("auc_roc", MIN, "best_f1", MIN), TaskKind.BINARY);
    Gates.checkNames(Map.of("macro_f1", MIN, "f1_class_late", MIN, "recall_class_3", MIN), TaskKind.MULTICLASS);
    Gates.checkNames(Map.of("rmse", MIN, "mape_rows_skipped", MIN), TaskKind.REGRESSION);
    LakeforgeException e = assertThrows(LakeforgeException.class,
        () -> Gates.checkNames(Map.of("f1_klass_3", MIN), TaskKind.MULTICLASS));
    assertEquals(true, e.getMessage().endsWith("or precision_class_<label>, recall_class_<label> or "
        + "f1_class_<label>."), e.getMessage());
  }
}
