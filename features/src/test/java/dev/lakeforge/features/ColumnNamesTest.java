package dev.lakeforge.features;

import static dev.lakeforge.features.FeatureFixtures.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Column names from data and config: generated names are unique and readable, odd names stay one column. */
class ColumnNamesTest {
  private static final String PIPELINE = ToyPipeline.around("cities", """
      feature_sets:
        station_history:
          source: silver.readings
          entity: [station.id]
          event_time: read at
          features:
            - {name: n_1d, aggregate: count, window: 1d}
            - {name: temp_mean_1d, aggregate: mean, of: "`sensor.temp`", window: 1d}
      training_sets:
        visits:
          spine: {source: silver.visits, event_time: ts, keys: [id], label: "y"}
          features: [%s]
          feature_sets: %s
      training: {split: {column: ts, validate_from: "2024-01-10"}}
      """);

  private static RunContext context(String features, String featureSets, String cities) {
    RunContext ctx = SharedSpark.context(PIPELINE.formatted(features, featureSets), "2024-02-01");
    // 480 visits cycling through the cities, one an hour from 2024-01-01.
    ctx.lake().write(ctx.spark().sql("select id, timestamp'2024-01-01 00:00:00' + make_interval(0, 0, 0, 0, id) "
        + "ts, element_at(array(" + cities + "), cast(id % " + cities.split(",").length + " + 1 as int)) city, "
        + "id % 2 y, concat('S', id % 3) `station.id`, id * 0.5 `sensor.temp` from range(480) as t(id)"), TableWrite.overwrite(TableRef.parse("silver.visits")));
    return ctx;
  }

  // Issue 26 case 3: 東京, 大阪, 札幌 all became city___ and Delta refused the duplicate columns.
  @Test
  void oneHotColumnsOfNonAsciiValuesKeepTheirLetters() {
    RunContext ctx = context("{name: city, one_hot: city, top: 5}", "[]", "'東京', '大阪', '札幌'");
    ctx.runStage(new TrainingSetStage());
    List<String> columns = Arrays.asList(ctx.lake().read(TableRef.parse("training_sets.visits")).rows()
        .columns());
    assertTrue(columns.containsAll(List.of("city_東京", "city_大阪", "city_札幌")), columns.toString());
    // Each value is 160 of 480 rows; exactly one of the three is 1 on every row.
    assertEquals("[480,160.0,480.0]", lines(ctx.lake().read(TableRef.parse("training_sets.visits"))
        .rows().selectExpr("count(*)", "sum(`city_東京`)", "sum(`city_東京` + `city_大阪` + `city_札幌`)")
        .collectAsList()));
  }

  // Sibling: values that differ only in punctuation or case get a stable hash suffix instead of colliding.
  @Test
  void valuesWhoseNamesCoincideGetAStableSuffix() {
    List<String> names = RowFeatures.oneHotColumns("c", List.of("a-b", "a b", "A_B", "x"));
    assertEquals(List.of("c_a_b_" + sha8("a-b"), "c_a_b_" + sha8("a b"), "c_A_B_" + sha8("A_B"), "c_x"), names);
    assertEquals(names, RowFeatures.oneHotColumns("c", List.of("a-b", "a b", "A_B", "x")));
    assertEquals(4, names.stream().map(String::toLowerCase).distinct().count());
  }

  @Test
  void aGeneratedNameThatTakesAnExistingColumnIsRefused() {
    RunContext ctx = context("{name: city, one_hot: city, top: 5}", "[]", "'x', 'y'");
    ctx.lake().write(ctx.lake().read(TableRef.parse("silver.visits")).rows()
        .withColumn("CITY_X", org.apache.spark.sql.functions.lit(1)), TableWrite.overwrite(TableRef.parse("silver.visits")));
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new TrainingSetStage()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("generated column 'city_x' has the name of column 'CITY_X'"), e.getMessage());
  }

  // Issue 26 case 1 in features: dotted and spaced names as entity, event time, aggregate input and feature name.
  @Test
  void dottedNamesWorkThroughFeatureSetsAndTrainingSets() {
    RunContext ctx = context("{name: temp_doubled, expr: \"`sensor.temp` * 2\"}, {name: station_index, index: "
        + "station.id}", "[station_history]", "'x'");
    ctx.lake().write(ctx.spark().sql("select concat('S', id % 3) `station.id`, "
        + "timestamp'2024-01-01 00:00:00' + make_interval(0, 0, 0, 0, id) `read at`, id * 1.0 `sensor.temp` "
        + "from range(48) as t(id)"), TableWrite.overwrite(TableRef.parse("silver.readings")));
    ctx.runStage(new FeatureSetStage());
    ctx.runStage(new TrainingSetStage());
    // Visit 30 (S0, 2024-01-02 06:00): readings of S0 in the day before 06:00 are ids 6, 9, ..., 27 (8 rows).
    assertEquals("[30,30.0,0.0,8.0,16.5]", lines(ctx.lake().read(TableRef.parse("training_sets.visits"))
        .rows().filter("id = 30").selectExpr("id", "`temp_doubled`", "`station_index`", "`n_1d`",
            "`temp_mean_1d`").collectAsList()));
  }

  // Issue 26 case 8 for the expressions of features: a label or feature Spark cannot parse says what Spark said.
  @Test
  void unparsableLabelAndFeatureExpressionsCarrySparksMessage() {
    RunContext label = context("{name: city, one_hot: city, top: 5}", "[]", "'x'");
    String spaced = "Cost Total > Cost Other";
    RunContext badLabel = SharedSpark.context(PIPELINE.formatted("{name: c, index: city}", "[]")
        .replace("label: \"y\"", "label: \"" + spaced + "\""), "2024-02-01");
    copyVisits(label, badLabel);
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> badLabel.runStage(new TrainingSetStage()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("label expression '" + spaced + "': [PARSE_SYNTAX_ERROR] Syntax error at or "
        + "near '>'"), e.getMessage());

    RunContext badFeature = SharedSpark.context(PIPELINE.formatted("{name: cost, expr: \"Cost Total $\"}", "[]"),
        "2024-02-01");
    copyVisits(label, badFeature);
    e = assertThrows(LakeforgeException.class, () -> badFeature.runStage(new TrainingSetStage()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("'Cost Total $': [PARSE_SYNTAX_ERROR]"), e.getMessage());

    // The same for a feature set aggregate's `of`.
    RunContext badOf = SharedSpark.context(PIPELINE.formatted("{name: c, index: city}", "[]")
        .replace("of: \"`sensor.temp`\"", "of: \"Cost Total $\""), "2024-02-01");
    badOf.lake().write(badOf.spark().sql("select 'S1' `station.id`, timestamp'2024-01-01 00:00:00' `read at`, "
        + "1.0 `sensor.temp`"), TableWrite.overwrite(TableRef.parse("silver.readings")));
    e = assertThrows(LakeforgeException.class, () -> badOf.runStage(new FeatureSetStage()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("'Cost Total $': [PARSE_SYNTAX_ERROR]"), e.getMessage());
  }

  private static void copyVisits(RunContext from, RunContext to) {
    to.lake().write(from.lake().read(TableRef.parse("silver.visits")).rows(), TableWrite.overwrite(TableRef.parse("silver.visits")));
  }

  private static String sha8(String value) throws RuntimeException {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
