package dev.lakeforge.features;

import static dev.lakeforge.features.FeatureFixtures.EVENTS;
import static dev.lakeforge.features.FeatureFixtures.PIPELINE;
import static dev.lakeforge.features.FeatureFixtures.SESSIONS;
import static dev.lakeforge.features.FeatureFixtures.events;
import static dev.lakeforge.features.FeatureFixtures.holidays;
import static dev.lakeforge.features.FeatureFixtures.sessions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.testing.SharedSpark;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The training set's features for rows without labels: the same values, from the stored encodings. */
class FeatureRowsTest {
  private static RunContext shared;

  private static synchronized RunContext built() {
    if (shared == null) {
      shared = SharedSpark.context(PIPELINE, "2020-01-05");
      events(shared, EVENTS);
      sessions(shared, SESSIONS);
      holidays(shared);
      shared.runStage(new FeatureSetStage("user_history"));
      shared.runStage(new TrainingSetStage());
    }
    return shared;
  }

  private static TableVersion trainingSetVersion(RunContext ctx) {
    TableRef ref = TableRef.parse("training_sets.sessions");
    return new TableVersion(ref.table(), ctx.lake().resolveVersion(ref));
  }

  private static Dataset<Row> scoringFeatures(RunContext ctx, Dataset<Row> rows) {
    return FeatureRows.forScoring(ctx, "sessions", trainingSetVersion(ctx), rows, ctx.result("score")).rows();
  }

  @Test
  void rowsWithoutLabelsGetTheTrainingSetsFeatureValues() {
    RunContext ctx = built();
    // The spine's rows with the label column dropped, as new rows would arrive. Row 4 (Jan 5) is left out: it is
    // more than user_history's ttl after the set's newest row, which scoring refuses as stale (next tests).
    Dataset<Row> unlabelled = ctx.lake().read(TableRef.parse("silver.sessions")).rows().drop("y")
        .filter("id <> 4");
    Dataset<Row> scored = scoringFeatures(ctx, unlabelled);
    Dataset<Row> training = ctx.lake().read(TableRef.parse("training_sets.sessions")).rows()
        .filter("id <> 4");
    List<String> features = FeatureTable.featureColumns(training.columns(),
        ctx.config().trainingSets().get("sessions").spine());
    assertEquals(15, features.size(), features.toString());
    Map<Long, Row> expected = byId(training);
    Map<Long, Row> actual = byId(scored);
    assertEquals(expected.keySet(), actual.keySet());
    double maxDiff = 0;
    for (long id : expected.keySet()) {
      for (String f : features) {
        Object want = expected.get(id).getAs(f);
        Object got = actual.get(id).getAs(f);
        assertEquals(want == null, got == null, "row " + id + " feature " + f + ": " + want + " vs " + got);
        if (want != null) {
          maxDiff = Math.max(maxDiff, Math.abs((Double) want - (Double) got));
        }
      }
    }
    System.out.println("feature parity: max |difference| = " + maxDiff + " over " + expected.size() + " rows x "
        + features.size() + " features");
    assertTrue(maxDiff <= 1e-9, "max difference " + maxDiff);
  }

  @Test
  void anUnseenCategoryGetsTheDocumentedUnknownValuesAndIsMarked() {
    RunContext ctx = built();
    Dataset<Row> rows = ctx.spark().sql("select 8L id, 'A' user, timestamp('2020-01-02 02:00:00') ts, 'LAX' city");
    var built = FeatureRows.forScoring(ctx, "sessions", trainingSetVersion(ctx), rows, ctx.result("score"));
    Row row = built.rows().first();
    assertNull(row.getAs("city_index"), "index: null (missing), never a new index the model has not seen");
    assertEquals(0.0, (Double) row.getAs("city_frequency"));
    assertEquals(0.8, (Double) row.getAs("city_rate"), 1e-12); // the prior of the fit window
    assertEquals(0.0, (Double) row.getAs("is_BOS"));
    assertEquals(0.0, (Double) row.getAs("is_NYC"));
    // one_hot has no marker: a value outside its top values gets zeros in training too.
    assertEquals(List.of("city_index", "city_frequency", "city_rate"), List.copyOf(built.unseenColumns().keySet()));
    for (String feature : List.of("city_index", "city_frequency", "city_rate")) {
      assertEquals(1, (Integer) row.getAs(built.unseenColumns().get(feature)), feature);
    }
  }

  @Test
  void theEncodingsAreStoredOnceAndNamedByTheTrainingSetsCommit() {
    RunContext ctx = built();
    String metadata = FeatureFixtures.lastCommitMetadata(ctx, "training_sets.sessions");
    assertTrue(metadata.contains("\"encodings\":\"training_sets.sessions_encodings@v0\""), metadata);
    Dataset<Row> stored = ctx.lake().read(TableRef.parse("training_sets.sessions_encodings@v0")).rows();
    // The vocabulary version, 2 one_hot values, 3 shares, 3 means and 1 prior.
    assertEquals(10, stored.count());
  }

  @Test
  void aFeatureSetThatDoesNotReachTheRowsTimesIsRefusedWithHowStale() {
    RunContext ctx = built();
    // user_history's newest row is 2020-01-02 01:00 and its ttl 2d: rows of Jan 10 would get no history.
    Dataset<Row> rows = ctx.spark().sql("select 9L id, 'A' user, timestamp('2020-01-10 01:00:00') ts, 'BOS' city");
    var e = assertThrows(LakeforgeException.class, () -> scoringFeatures(ctx, rows));
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().contains("feature set 'user_history'") && e.getMessage().contains("stale by 6d 0h"),
        e.getMessage());
  }

  @Test
  void aChangedDefinitionIsRefusedRatherThanScoredWithOtherFeatures() {
    RunContext ctx = built();
    RunContext changed = SharedSpark.context(PIPELINE.replace("top: 2", "top: 3"), "2020-01-05");
    RunContext same = new RunContext(ctx.runId(), ctx.runDate(), ctx.profile(), changed.loaded(), ctx.spark(),
        ctx.lake(), ctx.manifests(), ctx.gitRevision(), ctx.environment());
    Dataset<Row> rows = ctx.lake().read(TableRef.parse("silver.sessions")).rows().drop("y")
        .filter("id <> 4");
    var e = assertThrows(LakeforgeException.class, () -> FeatureRows.forScoring(same, "sessions",
        trainingSetVersion(ctx), rows, same.result("score")));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("differs from the one training_sets.sessions@v0"), e.getMessage());
  }

  private static Map<Long, Row> byId(Dataset<Row> rows) {
    Map<Long, Row> out = new TreeMap<>();
    rows.collectAsList().forEach(r -> out.put(((Number) r.getAs("id")).longValue(), r));
    return out;
  }
}
