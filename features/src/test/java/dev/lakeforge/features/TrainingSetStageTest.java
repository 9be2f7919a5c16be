package dev.lakeforge.features;

import static dev.lakeforge.features.FeatureFixtures.EVENTS;
import static dev.lakeforge.features.FeatureFixtures.PIPELINE;
import static dev.lakeforge.features.FeatureFixtures.SESSIONS;
import static dev.lakeforge.features.FeatureFixtures.events;
import static dev.lakeforge.features.FeatureFixtures.holidays;
import static dev.lakeforge.features.FeatureFixtures.lines;
import static dev.lakeforge.features.FeatureFixtures.sessions;
import static dev.lakeforge.features.FeatureFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.testing.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class TrainingSetStageTest {
  private static final String[] COLUMNS = {"id", "hour", "holiday", "city_index", "city_frequency",
      "round(city_rate, 6)", "is_BOS", "is_NYC", "n_1h", "sum_24h", "label"};

  private static RunContext shared;

  /** The fixture built once for the tests that only read it. */
  private static synchronized RunContext builtFixture() {
    if (shared == null) {
      shared = built(SESSIONS);
    }
    return shared;
  }

  private static RunContext built(String sessions) {
    return built(sessions, EVENTS);
  }

  private static RunContext built(String sessions, String eventRows) {
    RunContext ctx = SharedSpark.context(PIPELINE, "2020-01-05");
    events(ctx, eventRows);
    sessions(ctx, sessions);
    holidays(ctx);
    ctx.runStage(new FeatureSetStage("user_history"));
    ctx.runStage(new TrainingSetStage());
    return ctx;
  }

  @Test
  void eachRowGetsTheLatestFeatureRowAtOrBeforeItsTimeWithinTheTtl() {
    RunContext ctx = builtFixture();
    // 1: the feature row stamped exactly at 00:30 is visible. 2: at 01:59 the latest is still 00:30's.
    // 3: 25 h after its latest row, inside the 2d ttl. 4: 71 h after it, beyond the ttl: null, not a stale value.
    // 5: B's only row is a minute later: null. 6: user C has no history at all: null.
    // Encodings learn from the fit window (before 2020-01-03: ids 1, 2, 5, 6, 7; overall rate 0.8):
    // BOS (1, 0, 1) -> (2 + 2 * 0.8) / (3 + 2) = 0.72, NYC and SEA (1) -> 2.6 / 3; BOS is 3 of 5 rows.
    assertEquals("""
        [1,0.0,1.0,0.0,0.6,0.72,1.0,0.0,1.0,10.0,1.0]
        [2,1.0,1.0,0.0,0.6,0.72,1.0,0.0,1.0,10.0,0.0]
        [3,2.0,0.0,1.0,0.2,0.866667,0.0,1.0,0.0,40.0,1.0]
        [4,0.0,0.0,1.0,0.2,0.866667,0.0,1.0,null,null,0.0]
        [5,0.0,1.0,1.0,0.2,0.866667,0.0,1.0,null,null,1.0]
        [6,0.0,0.0,2.0,0.2,0.866667,0.0,0.0,null,null,1.0]
        [7,0.0,1.0,0.0,0.6,0.72,1.0,0.0,0.0,null,1.0]""",
        lines(table(ctx, "training_sets.sessions", "id", COLUMNS)));
  }

  @Test
  void aPlantedFutureEventNeverReachesAnEarlierRow() {
    List<Row> before = table(builtFixture(), "training_sets.sessions", "id", COLUMNS);
    RunContext planted = built(SESSIONS, EVENTS + ", ('A', '2020-01-01 00:30:00.000001', 1000000)");
    List<Row> after = table(planted, "training_sets.sessions", "id", COLUMNS);
    // Rows 1 and 7 are at or before 00:30: the event a microsecond later must not reach them.
    assertEquals(before.get(0), after.get(0));
    assertEquals(before.get(6), after.get(6));
    // Row 2 (01:59) comes after it and does see it: the test can tell a visible event from an invisible one.
    assertNotEquals(before.get(1), after.get(1));
  }

  @Test
  void targetMeansLearnOnlyFromTheTrainingWindow() {
    RunContext ctx = builtFixture();
    List<Row> rates = table(ctx, "training_sets.sessions", "id", "id", "city_rate", "city_frequency");
    // Flip the labels of the two sessions after validate_from: no encoding may move.
    RunContext flipped = built(SESSIONS.replace("'NYC', 1), (4", "'NYC', 0), (4").replace("'NYC', 0), (5", "'NYC', 1), (5"));
    assertEquals(rates, table(flipped, "training_sets.sessions", "id", "id", "city_rate", "city_frequency"));
    // Flip one inside the window and BOS's rate moves.
    RunContext inside = built(SESSIONS.replace("'BOS', 0)", "'BOS', 1)"));
    assertNotEquals(rates, table(inside, "training_sets.sessions", "id", "id", "city_rate", "city_frequency"));
  }

  @Test
  void theCommitRecordsEveryInputTableAtItsVersion() {
    RunContext ctx = builtFixture();
    String metadata = FeatureFixtures.lastCommitMetadata(ctx, "training_sets.sessions");
    long features = ctx.lake().resolveVersion(dev.lakeforge.core.table.TableRef.parse("features.user_history"));
    assertTrue(metadata.contains("\"inputs\":\"silver.sessions@v0,silver.holidays@v0,features.user_history@v"
        + features + ",training_sets.sessions_vocab@v0\""), metadata);
  }

  @Test
  void aSpineRowWithoutTimeIsRefused() {
    RunContext ctx = SharedSpark.context(PIPELINE, "2020-01-05");
    events(ctx, EVENTS);
    sessions(ctx, SESSIONS + ", (8, 'A', null, 'BOS', 1)");
    holidays(ctx);
    ctx.runStage(new FeatureSetStage("user_history"));
    var e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new TrainingSetStage()));
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().contains("1 spine rows with a null event time 'ts'"), e.getMessage());
  }

  @Test
  void anInvalidLabelExpressionNamesIt() {
    RunContext ctx = SharedSpark.context(PIPELINE.replace("label: \"y\"", "label: \"y >\""), "2020-01-05");
    sessions(ctx, SESSIONS);
    var e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new TrainingSetStage()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("training set 'sessions' label expression 'y >'"), e.getMessage());
  }
}
