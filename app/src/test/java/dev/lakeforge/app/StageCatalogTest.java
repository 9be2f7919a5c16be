package dev.lakeforge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakeforge.core.config.ConfigLoader;
import dev.lakeforge.core.config.PipelineConfig;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The catalog is the one list of stages: the subcommands, {@code run} and the stages' own names agree with it. */
class StageCatalogTest {
  private final Services services = new Services(Map.of(), new PrintWriter(new ByteArrayOutputStream()),
      new PrintWriter(new ByteArrayOutputStream()));

  private PipelineConfig config(String name) {
    return new ConfigLoader(Map.of()).loadPipeline(SharedSpark.repoRoot().resolve("conf/pipelines/" + name),
        List.of()).config();
  }

  @Test
  void everyEntryBuildsTheStageItNames() {
    for (StageCatalog.Entry<?> entry : StageCatalog.STAGES) {
      assertEquals(entry.name(), entry.createDefault().name());
    }
  }

  @Test
  void theCommandLineHasOneSubcommandPerStageInFlowOrderThenTheTools() {
    var names = List.copyOf(LakeforgeMain.commandLine(services).getSubcommands().keySet());
    assertEquals(List.of("ingest", "validate", "features", "training-set", "train", "sweep", "evaluate", "drift",
        "register", "score", "run", "tables", "profile", "config", "alias", "reproduce"), names);
  }

  @Test
  void runTakesTheFeaturesStageOnlyWhenThePipelineDeclaresFeatureSets() {
    PipelineConfig withSets = config("flights.yaml");
    assertEquals(List.of("ingest", "validate", "features", "training-set", "train", "evaluate", "register", "score"),
        StageCatalog.pipeline(withSets).stream().map(Stage::name).toList());
    PipelineConfig withoutSets = config("seattle-weather.yaml");
    assertEquals(List.of("ingest", "validate", "training-set", "train", "evaluate", "register", "score"),
        StageCatalog.pipeline(withoutSets).stream().map(Stage::name).toList());
  }

  @Test
  void runsHelpListsWhatRunRuns() {
    assertEquals("Run all stages in order in one process: ingest, validate, features (when the pipeline declares "
        + "feature sets), training-set, train, evaluate, register, score.", StageCatalog.runDescription());
  }
}
