package dev.lakeforge.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakeforge.core.table.TableVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lineage is walked from what the stages recorded, upstream from one table version. */
class RunManifestsTest {
  private static TableVersion v(String table, long version) {
    return new TableVersion(table, version);
  }

  private static StageResult stage(String name, List<TableVersion> reads, List<TableVersion> writes) {
    return new StageResult(name, "run-1", "2026-11-01", "hash", "rev", reads, writes, Map.of(), Map.of(), 0, null);
  }

  @Test
  void lineageIsEveryTableUpstreamOfTheOutputAndNothingBeside() throws Exception {
    Path state = Files.createTempDirectory("lakeforge-manifests");
    RunManifests manifests = new RunManifests(state, "flights", "2026-11-01");
    manifests.save(stage("ingest", List.of(), List.of(v("bronze.flights", 3))));
    manifests.save(stage("validate", List.of(v("bronze.flights", 3), v("quality.metrics", 8)),
        List.of(v("silver.flights", 5), v("quality.metrics", 9))));
    // features.delays was written on an earlier run date: listed, its own inputs are not known here.
    manifests.save(stage("training-set", List.of(v("silver.flights", 5), v("features.delays", 2),
        v("silver.flights", 4)), List.of(v("training_sets.flights", 7))));
    manifests.save(stage("train", List.of(v("training_sets.flights", 7)), List.of()));
    // Not upstream of the training set: drift's reads and writes stay out.
    manifests.save(stage("drift", List.of(v("features.weather", 1)), List.of(v("monitoring.drift", 4))));

    assertEquals(Map.of("training_sets.flights", "v7", "silver.flights", "v5", "features.delays", "v2",
        "bronze.flights", "v3", "quality.metrics", "v8"), manifests.lineage(v("training_sets.flights", 7)));
    assertEquals(Map.of("training_sets.flights", "v6"), manifests.lineage(v("training_sets.flights", 6)),
        "a version no stage of this run date wrote has no known inputs");
    assertEquals(Map.of("x.y", "v0"), new RunManifests(state, "flights", "2026-11-02").lineage(v("x.y", 0)),
        "a run date without manifests");
  }
}
