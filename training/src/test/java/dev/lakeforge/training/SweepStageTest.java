package dev.lakeforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.config.SweepConfig.SearchDimension;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.testing.SharedSpark;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class SweepStageTest {
  static String pipeline(String sweep) {
    return TrainStageTest.PIPELINE.replace("\nregistry:", "\n" + sweep.stripTrailing().stripIndent().indent(2) + "registry:");
  }

  static final String HALVING = """
        sweep:
          strategy: halving
          space:
            max_depth: {choice: [1, 2, 4]}
            eta: {log_uniform: [0.05, 0.5]}
            min_child_weight: {int: [1, 5]}
          trials: 9
          min_rounds: 2
          max_rounds: 18
          reduction: 3
    """;

  @Test
  void successiveHalvingKeepsTheBestThirdAndTriplesTheRounds() throws Exception {
    RunContext ctx = SharedSpark.context(pipeline(HALVING), "2020-02-01");
    TrainStageTest.writeFeatures(ctx);
    StageResult result = ctx.runStage(new SweepStage());

    List<Row> trials = ctx.lake().read(SweepStage.TRIALS).rows().orderBy("trial").collectAsList();
    assertEquals(13, trials.size(), "9 configs at 2 rounds, 3 at 6, 1 at 18");
    assertEquals(List.of(2, 6, 18), trials.stream().map(r -> r.<Integer>getAs("rounds")).distinct().toList());
    for (int rung = 0; rung < 2; rung++) {
      int r = rung;
      List<Row> here = trials.stream().filter(t -> t.<Integer>getAs("rung") == r).toList();
      Set<Integer> promoted = trials.stream().filter(t -> t.<Integer>getAs("rung") == r + 1)
          .map(t -> t.<Integer>getAs("config")).collect(Collectors.toSet());
      Set<Integer> topThird = here.stream()
          .sorted(Comparator.comparingDouble((Row t) -> -t.<Double>getAs("value")))
          .limit(here.size() / 3).map(t -> t.<Integer>getAs("config")).collect(Collectors.toSet());
      assertEquals(topThird, promoted, "rung " + rung + " promotes its best third by validation AUC");
    }
    List<Row> best = trials.stream().filter(t -> t.<Boolean>getAs("best")).toList();
    assertEquals(1, best.size());
    assertEquals(2, best.get(0).<Integer>getAs("rung"));
    assertEquals("auc_roc", best.get(0).<String>getAs("metric"));
    assertTrue(trials.stream().allMatch(t -> "completed".equals(t.getAs("status"))));

    assertEquals(13L, ((Number) result.metrics().get("trials")).longValue());
    assertEquals(9L * 2 + 3 * 6 + 18, ((Number) result.metrics().get("rounds_spent")).longValue());
    assertEquals(best.get(0).<Double>getAs("value"), (Double) result.metrics().get("best_auc_roc"), 0.0);
    Map<?, ?> bestParams = new ObjectMapper().readValue(result.output("best_params"), Map.class);
    assertEquals(18, bestParams.get("num_round"));
    assertEquals(new ObjectMapper().readValue(best.get(0).<String>getAs("params"), Map.class), bestParams);
    ModelDirectory model = new ModelDirectory(Path.of(result.output(TrainStage.MODEL_DIR)));
    assertEquals(18, model.info().params().get("num_round"));
    assertEquals(((Number) bestParams.get("max_depth")).intValue(), model.info().params().get("max_depth"));
    ctx.manifests().save(result);
    assertEquals(result.output(TrainStage.MODEL_DIR),
        ModelStore.latestTraining(ctx.manifests()).output(TrainStage.MODEL_DIR), "evaluate picks the sweep's model");
  }

  @Test
  void gridTriesEveryCombinationWithinTheBudget() {
    RunContext ctx = SharedSpark.context(pipeline("""
            sweep:
              strategy: grid
              space: {max_depth: {choice: [2, 3]}, eta: {choice: [0.1, 0.3]}}
              max_rounds: 5
              budget: {trials: 3}
        """), "2020-02-02");
    TrainStageTest.writeFeatures(ctx);
    ctx.runStage(new SweepStage());
    List<Row> trials = ctx.lake().read(SweepStage.TRIALS).rows()
        .filter("run_date = '2020-02-02'").orderBy("trial").collectAsList();
    assertEquals(4, trials.size());
    assertEquals(List.of("completed", "completed", "completed", "skipped: budget of 3 trials spent"),
        trials.stream().map(r -> r.<String>getAs("status")).sorted().toList());
    assertEquals(Set.of(5), trials.stream().map(r -> r.<Integer>getAs("rounds")).collect(Collectors.toSet()));
  }

  @Test
  void aSpaceOutsideTheParamsRangeFailsBeforeTraining() {
    RunContext ctx = SharedSpark.context(pipeline("""
            sweep:
              space: {eta: {uniform: [-1.0, 0.3]}}
        """), "2020-02-03");
    var e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new SweepStage()));
    assertEquals(2, e.kind().exitCode());
    assertTrue(e.getMessage().contains("training.params.eta"), e.getMessage());
    var noSweep = assertThrows(LakeforgeException.class,
        () -> SharedSpark.context(TrainStageTest.PIPELINE, "2020-02-03").runStage(new SweepStage()));
    assertTrue(noSweep.getMessage().startsWith("Cannot sweep: the config has no training.sweep section"));
  }

  @Test
  void randomDrawsAreSeededAndInsideTheirRanges() {
    Map<String, SearchDimension> space = Map.of(
        "depth", new SearchDimension(null, null, null, List.of(2L, 4L)),
        "eta", new SearchDimension(null, null, List.of(0.01, 1.0), null),
        "kind", new SearchDimension(List.of("a", "b"), null, null, null));
    var first = SearchSpace.random(space, 200, 42);
    assertEquals(first, SearchSpace.random(space, 200, 42));
    assertEquals(Set.of(2L, 3L, 4L), first.stream().map(c -> c.get("depth")).collect(Collectors.toSet()));
    assertTrue(first.stream().allMatch(c -> (double) c.get("eta") >= 0.01 && (double) c.get("eta") <= 1.0));
    long belowTenth = first.stream().filter(c -> (double) c.get("eta") < 0.1).count();
    assertTrue(belowTenth > 70 && belowTenth < 130, "log-uniform: half the draws below 0.1, got " + belowTenth);
    assertEquals(List.of(Map.of("a", 1, "b", "x"), Map.of("a", 1, "b", "y"), Map.of("a", 2, "b", "x"),
        Map.of("a", 2, "b", "y")), SearchSpace.grid(Map.of(
            "b", new SearchDimension(List.of("x", "y"), null, null, null),
            "a", new SearchDimension(List.of(1, 2), null, null, null))));
  }
}
