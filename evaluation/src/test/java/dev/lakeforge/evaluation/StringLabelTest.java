package dev.lakeforge.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.testing.ToyPipeline;
import dev.lakeforge.features.TrainingSetStage;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.TrainStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 26, case 4: a string label (weather: fog, rain, sun) needs no hand-written CASE: the training set keeps it a
 * string, training learns the classes by name, and the report names them; tasks that cannot take a string say so.
 */
class StringLabelTest {
  static final String WEATHER = "element_at(array('sun', 'fog', 'rain'), cls)";
  static final String X_ONLY = "[{name: x, expr: \"x\"}]";

  static RunContext context(String task, String features) throws Exception {
    return ToyPipeline.threeClassSource(task, WEATHER, "y", features, Files.createTempDirectory("lakeforge-weather"));
  }

  @Test
  void aStringLabelIsLearntByNameAndTheReportShowsTheNames() throws Exception {
    RunContext ctx = context("multiclass", X_ONLY);
    ctx.runStage(new TrainingSetStage());
    assertEquals("string", ctx.lake().read(TableRef.parse("training_sets.classes")).rows().schema()
        .apply("label").dataType().simpleString(), "the label is kept a string in the training set");

    StageResult trained = ctx.runStage(new TrainStage());
    ModelDirectory dir = new ModelDirectory(Path.of(trained.output(TrainStage.MODEL_DIR)));
    assertEquals(List.of("fog", "rain", "sun"), dir.info().classes().values(), "class i is the i-th name in order");

    ctx.runStage(new EvaluateStage());
    Evaluation e = dir.readJson(ModelDirectory.EVALUATION, Evaluation.class);
    assertEquals(List.of("fog", "rain", "sun"), e.classes());
    // 120 validation rows, 40 per class, each class separable by x: all on the diagonal.
    assertEquals(40, e.confusion()[0][0], "fog rows predicted fog");
    assertEquals(40, e.confusion()[2][2], "sun rows predicted sun");
    assertEquals(1.0, e.metrics().get("accuracy"));
    assertEquals(1.0, e.metrics().get("precision_class_sun"), "per-class metrics named by the class name");
  }

  @Test
  void aBinaryTaskNeedsToBeToldWhichStringIsPositive() throws Exception {
    RunContext ctx = context("binary", X_ONLY);
    ctx.runStage(new TrainingSetStage());
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new TrainStage()));
    assertEquals(ErrorKind.DATA_QUALITY, e.kind());
    assertEquals("Cannot train a binary model on training_sets.classes@v0: because its label is a string with "
        + "values 'fog' (160 training rows), 'rain' (160 training rows), 'sun' (160 training rows) (a binary label "
        + "must be 0 or 1). Fix: say which value is the positive class in the spine's label expression (e.g. "
        + "CAST(outcome = 'yes' AS INT)), or set training.task: multiclass to learn one class per value.",
        e.getMessage());
  }

  @Test
  void aTargetMeanOfAStringLabelIsRefusedNotFilledWithNulls() throws Exception {
    RunContext ctx = context("multiclass", "[{name: x, expr: \"x\"}, {name: cls_rate, target_mean: cls}]");
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new TrainingSetStage()));
    assertEquals("Cannot compute feature 'cls_rate': the label is a string, and a target mean needs a numeric "
        + "label. Fix: use a 0/1 label (e.g. CAST(outcome = 'yes' AS INT)) or a frequency feature "
        + "instead.", e.getMessage());
  }
}
