package dev.lakeforge.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.TrainStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Issue 26, case 4: a multiclass label 1, 2, 3 is three classes, not four with an empty class 0; labels outside a
 * task's domain are refused before training (exit 3); metrics never count a class without rows.
 */
class LabelDomainEvaluationTest {
  static RunContext context(String task, String label) throws Exception {
    return ToyPipeline.threeClasses(task, label, Files.createTempDirectory("lakeforge-classes"));
  }

  @Test
  void labelsOneToThreeAreThreeClassesAndAPerfectModelScoresOne() throws Exception {
    RunContext ctx = context("multiclass", "CAST(cls AS DOUBLE)");
    StageResult trained = ctx.runStage(new TrainStage());
    ModelDirectory dir = new ModelDirectory(Path.of(trained.output(TrainStage.MODEL_DIR)));
    assertEquals(List.of(1.0, 2.0, 3.0), dir.info().classes().values(), "learnt on the training split, recorded");

    ctx.runStage(new EvaluateStage());
    Evaluation e = dir.readJson(ModelDirectory.EVALUATION, Evaluation.class);
    assertEquals(List.of("1", "2", "3"), e.classes(), "three classes, named by their label values");
    assertEquals(3, e.confusion().length);
    assertEquals(40, e.confusion()[0][0], "40 validation rows of class 1, all right");
    assertEquals(1.0, e.metrics().get("accuracy"));
    assertEquals(1.0, e.metrics().get("macro_precision"), 1e-12, "not 0.75: no phantom class 0");
    assertEquals(1.0, e.metrics().get("macro_recall"), 1e-12);
    assertEquals(1.0, e.metrics().get("macro_f1"), 1e-12);
    assertEquals(1.0, e.metrics().get("precision_class_3"), "per-class metrics named by label value");
    assertEquals(null, e.metrics().get("precision_class_0"), "no phantom class 0");
  }

  @Test
  void aBinaryLabelOtherThanZeroAndOneIsRefusedBeforeTraining() throws Exception {
    RunContext ctx = context("binary", "CAST(IF(cls = 1, 1, 2) AS DOUBLE)");
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new TrainStage()));
    assertEquals(ErrorKind.DATA_QUALITY, e.kind());
    assertEquals("Cannot train a binary model on training_sets.classes@v0: because its label has values 2 (320 "
        + "training rows, 80 validation rows) (a binary label must be 0 or 1). Fix: map the label to 0 and 1 in the "
        + "spine's label expression (e.g. CAST(delay > 15 AS INT)), or set training.task: multiclass for more than "
        + "two classes.", e.getMessage());
    assertTrue(ctx.manifests().find(TrainStage.NAME).isEmpty(), "nothing trained");
  }

  @Test
  void metricsSkipAClassWithNoRowsInLabelsOrPredictions() {
    // Class indices 1..3 scored by a model sized for four classes (as labels 1..3 used to give): class 0 is empty.
    List<Row> rows = List.of(RowFactory.create(1.0, 1.0, new double[] {0, 1, 0, 0}),
        RowFactory.create(2.0, 2.0, new double[] {0, 0, 1, 0}), RowFactory.create(3.0, 3.0, new double[] {0, 0, 0, 1}),
        RowFactory.create(3.0, 2.0, new double[] {0, 0, 0.6, 0.4}));
    var scored = SharedSpark.get().createDataFrame(rows,
        StructType.fromDDL("y DOUBLE, p DOUBLE, probs ARRAY<DOUBLE>"));
    Map<String, Double> m = MulticlassMetrics.compute(scored, "y", "p", "probs", 4).metrics();
    assertEquals(0.75, m.get("accuracy"), 1e-12);
    // Classes 1, 2, 3: precision 1, 1/2, 1; recall 1, 1, 1/2; F1 1, 2/3, 2/3.
    assertEquals((1 + 0.5 + 1) / 3, m.get("macro_precision"), 1e-12);
    assertEquals((1 + 1 + 0.5) / 3, m.get("macro_recall"), 1e-12);
    assertEquals((1 + 2.0 / 3 + 2.0 / 3) / 3, m.get("macro_f1"), 1e-12);
    assertEquals(null, m.get("precision_class_0"));
  }
}
