package dev.lakeforge.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.table.RunDate;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stage that fails its gate after writing still leaves its manifest, saved by the runner, not by the stage. */
class StageFailedTest {

  /** Writes one row of monitoring.checks for the run date, then fails its gate. */
  private static final class GatedStage implements Stage {
    @Override
    public String name() {
      return "gated";
    }

    @Override
    public StageResult run(RunContext context) {
      StageResult.Builder result = context.result(name());
      TableRef table = TableRef.of("monitoring", "checks");
      result.wrote(context.lake().write(context.spark().range(1).toDF().withColumn(RunDate.COLUMN,
          RunDate.literal(context.runDate())), TableWrite.replaceRunDate(table, context.runDate())).version());
      result.metric("checks.failed", 1L);
      throw result.failed(Errors.modelGate("toy", "checks.failed = 1 is above 0"));
    }
  }

  @Test
  void theRunnerSavesTheFailedStagesResultAndTheVerdictKeepsItsExitCode() {
    RunContext ctx = SharedSpark.context(ToyPipeline.around("gates",
        "training: {split: {column: day, validate_from: \"2026-11-01\"}}"), "2026-11-02");
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new GatedStage()));
    assertEquals(4, e.exitCode());
    assertEquals("Model gate failed for toy: checks.failed = 1 is above 0. The model stays on disk and is not "
        + "promoted. Fix: improve the model or adjust evaluation.gates.", e.getMessage());
    StageResult saved = ctx.manifests().find("gated").orElseThrow();
    assertEquals(List.of(new TableVersion("monitoring.checks", 0)), saved.writes());
    assertEquals(1L, ((Number) saved.metrics().get("checks.failed")).longValue());
  }

  @Test
  void aRunDateIsReplacedInTheColumnItsLayerUses() {
    assertEquals("run_date", RunDate.columnOf(TableRef.parse("monitoring.drift")));
    assertEquals("_run_date", RunDate.columnOf(TableRef.parse("silver.flights")));
    assertEquals("`_run_date` = '2026-11-02'", TableWrite.replaceRunDate(TableRef.parse("quarantine.flights"),
        java.time.LocalDate.of(2026, 11, 2)).slice().predicate());
  }
}
