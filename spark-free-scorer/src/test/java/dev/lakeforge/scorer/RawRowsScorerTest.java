package dev.lakeforge.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.spark.sql.functions.col;

import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import dev.lakeforge.features.RowFeatureRecipe;
import dev.lakeforge.features.TrainingSetStage;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.SparkModels;
import dev.lakeforge.training.TrainStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, part 5: a caller with raw rows (no features computed) gets from the Spark-free scorer the probabilities
 * the Spark model gives the training set's rows: bare columns, time parts (in a session time zone with daylight
 * saving), an index from the stored vocabulary, and one_hot, frequency and target_mean from the training set
 * version's stored encodings are computed from raw columns, from CSV and from Parquet.
 */
class RawRowsScorerTest {
  static final String PIPELINE = ToyPipeline.around("raw", """
      training_sets:
        raw:
          spine: {source: silver.raw, keys: [id], event_time: ts, label: "y"}
          features:
            - {name: x, expr: "x"}
            - {name: hour, time_part: hour}
            - {name: dow, time_part: day_of_week}
            - {name: month, time_part: month}
            - {name: week, time_part: week_of_year}
            - {name: cat_index, index: cat}
            - {name: cat_share, frequency: cat}
            - {name: cat_rate, target_mean: cat, smoothing: 5}
            - {name: is, one_hot: cat, top: 3}
      training:
        split: {column: ts, validate_from: "2020-09-01"}
        # Half the features per tree: the encodings of cat take turns with its index, so each one is used.
        params: {num_round: 40, max_depth: 5, eta: 0.3, seed: 7, colsample_bytree: 0.5}
      """);
  static final String ZONE = "America/New_York"; // hours move with daylight saving: a wrong zone shows
  static Path modelDir;
  static Path work;
  static Path rawCsv;
  static Path rawParquet;
  static Map<String, Double> sparkProbability = new HashMap<>();
  static RunContext context;

  @BeforeAll
  static void buildTrainAndScoreWithSpark() throws Exception {
    RunContext ctx = SharedSpark.context(PIPELINE, "2021-01-01");
    context = ctx;
    String zoneBefore = ctx.spark().conf().get("spark.sql.session.timeZone");
    ctx.spark().conf().set("spark.sql.session.timeZone", ZONE);
    try {
      // Raw rows: an id, an event time every 7h13m over a year, a number (sometimes null) and a category
      // (sometimes null); the label depends on all of them, so every feature matters.
      Dataset<Row> raw = ctx.spark().range(1500).selectExpr("CAST(id AS STRING) AS id",
              "timestamp_seconds(1577836800 + id * 25980) AS ts",
              "IF(id % 11 = 0, NULL, rand(3) * 100) AS x",
              "IF(id % 13 = 0, NULL, element_at(array('ORD', 'JFK', 'SFO', 'ATL', 'SEA', 'ORD', 'ORD', 'JFK'), "
                  + "CAST(id % 8 AS INT) + 1)) AS cat")
          .selectExpr("*", "CAST((hour(ts) BETWEEN 7 AND 18) != (cat IN ('ORD', 'ATL')) OR coalesce(x, 0) > 80"
              + " OR month(ts) = 6 AS DOUBLE) AS y");
      ctx.lake().write(raw, TableWrite.overwrite(TableRef.parse("silver.raw")));
      ctx.runStage(new TrainingSetStage());
      modelDir = Path.of(ctx.runStage(new TrainStage()).output(TrainStage.MODEL_DIR));
      ModelDirectory dir = new ModelDirectory(modelDir);
      Dataset<Row> trainingSet = ctx.lake().read(TableRef.parse("training_sets.raw")).rows();
      List<String> features = dir.info().features();
      assertEquals(List.of("x", "hour", "dow", "month", "week", "cat_index", "cat_share", "cat_rate", "is_ORD",
          "is_JFK", "is_ATL"), features);
      for (Row r : SparkModels.transform(SparkModels.load(dir.sparkModel()), trainingSet, features)
          .select(col("id"), SparkModels.positiveProbability()).collectAsList()) {
        sparkProbability.put(r.getString(0), r.getDouble(1));
      }
      work = Files.createTempDirectory("raw-rows");
      Dataset<Row> rows = raw.drop("y");
      rows.coalesce(1).write().option("header", "true").csv(work.resolve("csv").toString());
      rows.coalesce(1).write().parquet(work.resolve("parquet").toString()); // ts as Spark's INT96
      rawCsv = only(work.resolve("csv"), ".csv");
      rawParquet = only(work.resolve("parquet"), ".parquet");
    } finally {
      ctx.spark().conf().set("spark.sql.session.timeZone", zoneBefore);
    }
  }

  static Path only(Path dir, String suffix) throws Exception {
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(suffix)).findFirst().orElseThrow();
    }
  }

  @Test
  void theRecipeIsRecordedWithTheModel() throws Exception {
    ScorerModel model = ScorerModel.fromDirectory(modelDir, "raw");
    assertEquals(ZONE, model.recipe().path("time_zone").asText());
    assertEquals("column", model.recipe().path("features").path("x").path("kind").asText());
    assertEquals("time_part", model.recipe().path("features").path("hour").path("kind").asText());
    assertEquals(5, model.recipe().path("features").path("cat_index").path("vocabulary").size());
    var share = model.recipe().path("features").path("cat_share");
    assertEquals("frequency", share.path("kind").asText());
    assertEquals(5, share.path("values").size());
    assertTrue(share.path("encodings_table").asText().startsWith("training_sets.raw_encodings@v"), share.toString());
    assertEquals("target_mean", model.recipe().path("features").path("cat_rate").path("kind").asText());
    assertTrue(model.recipe().path("features").path("cat_rate").path("prior").asDouble() > 0);
    assertEquals("ORD", model.recipe().path("features").path("is_ORD").path("value").asText());
  }

  @Test
  void encodingsATrainingSetVersionDidNotRecordAreLeftToSparkWithTheReason() throws Exception {
    List<String> features = new ModelDirectory(modelDir).info().features();
    // No training set version (as for one built before encodings were stored with each version).
    @SuppressWarnings("unchecked")
    var recipe = (Map<String, Map<String, Object>>) RowFeatureRecipe.of(context.spark(), context.lake(),
        context.config(), "raw", null, features).get("features");
    for (String feature : List.of("cat_share", "cat_rate", "is_ORD")) {
      assertTrue(String.valueOf(recipe.get(feature).get("reason")).contains("records no encodings"),
          feature + ": " + recipe.get(feature));
    }
    assertEquals(5, ((Map<?, ?>) recipe.get("cat_index").get("vocabulary")).size(), "the index needs no encodings");
  }

  @Test
  void rawCsvRowsScoreAsTheSparkPathScoresTheTrainingSet() throws Exception {
    ScorerModel model = ScorerModel.fromDirectory(modelDir, "raw");
    Path out = work.resolve("from-csv.csv");
    FileScorer.Stats stats = new FileScorer(model, 100).score(rawCsv, out, List.of("id"));
    assertEquals(1500, stats.rows());
    assertEquals(Map.of("cat_index", 0L, "cat_share", 0L, "cat_rate", 0L), stats.unknownCategories());
    List<String> lines = Files.readAllLines(out);
    assertEquals("id,prediction,probability", lines.get(0));
    assertEquals(1501, lines.size(), "rows in = rows scored");
    double maxDiff = 0;
    for (String line : lines.subList(1, lines.size())) {
      List<String> cells = CsvLine.parse(line);
      maxDiff = Math.max(maxDiff, Math.abs(Double.parseDouble(cells.get(2)) - sparkProbability.get(cells.get(0))));
    }
    assertTrue(maxDiff <= 1e-6, "max |scorer - Spark| = " + maxDiff);
  }

  @Test
  void rawParquetRowsScoreIntoParquetAsTheSparkPathScores() throws Exception {
    ScorerModel model = ScorerModel.fromDirectory(modelDir, "raw");
    Path out = work.resolve("from-parquet.parquet");
    FileScorer.Stats stats = new FileScorer(model, 128).score(rawParquet, out, null);
    assertEquals(1500, stats.rows());
    Dataset<Row> scored = SharedSpark.get().read().parquet(out.toString());
    assertEquals(List.of("id", "ts", "cat", "prediction", "probability"), List.of(scored.columns()),
        "kept: every column that is not a feature, with its type");
    assertEquals("timestamp", scored.schema().apply("ts").dataType().typeName());
    double maxDiff = 0;
    long rows = 0;
    for (Row r : scored.select("id", "prediction", "probability").collectAsList()) {
      double p = r.getDouble(2);
      maxDiff = Math.max(maxDiff, Math.abs(p - sparkProbability.get(r.getString(0))));
      assertEquals(p >= 0.5 ? 1.0 : 0.0, r.getDouble(1));
      rows++;
    }
    assertEquals(1500, rows);
    assertTrue(maxDiff <= 1e-6, "max |scorer - Spark| = " + maxDiff);

    // Parquet in, CSV out, through the command line: the same probabilities.
    Path csvOut = work.resolve("parquet-to.csv");
    assertEquals(0, ScorerMain.run("--model", modelDir.toString(), "--input", rawParquet.toString(), "--output",
        csvOut.toString(), "--keep", "id"));
    List<String> lines = Files.readAllLines(csvOut);
    assertEquals(1501, lines.size());
    for (String line : lines.subList(1, lines.size())) {
      List<String> cells = CsvLine.parse(line);
      assertTrue(Math.abs(Double.parseDouble(cells.get(2)) - sparkProbability.get(cells.get(0))) <= 1e-6, line);
    }
  }

  @Test
  void badRawInputIsOneClearErrorWithExit2() throws Exception {
    ScorerModel model = ScorerModel.fromDirectory(modelDir, "raw");
    Path dir = Files.createTempDirectory("raw-bad");

    Files.writeString(dir.resolve("nocat.csv"), "id,ts,x\n1,2020-01-01 08:00:00,3.5\n");
    LakeforgeException noCat = assertThrows(LakeforgeException.class,
        () -> new FileScorer(model, 10).score(dir.resolve("nocat.csv"), dir.resolve("o.csv"), null));
    assertEquals(ErrorKind.INPUT, noCat.kind());
    assertTrue(noCat.getMessage().contains("cat_index (an index feature: needs raw column 'cat'"),
        noCat.getMessage());

    Files.writeString(dir.resolve("badtime.csv"), "id,ts,x,cat\n1,2020-01-01 08:00:00,3.5,ORD\n2,soon,1,JFK\n");
    LakeforgeException badTime = assertThrows(LakeforgeException.class,
        () -> new FileScorer(model, 10).score(dir.resolve("badtime.csv"), dir.resolve("o.csv"), null));
    assertTrue(badTime.getMessage().contains("line 3, column 'ts': 'soon' is not a timestamp"), badTime.getMessage());
    assertFalse(Files.exists(dir.resolve("o.csv")));
    assertFalse(Files.exists(dir.resolve("o.csv.partial")), "no partial output left behind");

    // A Parquet column whose type does not cast: x as text, ts as a boolean.
    Path textX = dir.resolve("textx");
    SharedSpark.get().sql("SELECT '1' AS id, TIMESTAMP'2020-01-01 08:00:00' AS ts, 'abc' AS x, 'ORD' AS cat")
        .coalesce(1).write().parquet(textX.toString());
    LakeforgeException notNumber = assertThrows(LakeforgeException.class,
        () -> new FileScorer(model, 10).score(only(textX, ".parquet"), dir.resolve("o.parquet"), null));
    assertTrue(notNumber.getMessage().contains("row 1, column 'x': 'abc' is not a number"), notNumber.getMessage());
    Path boolTs = dir.resolve("boolts");
    SharedSpark.get().sql("SELECT '1' AS id, true AS ts, 1.0D AS x, 'ORD' AS cat")
        .coalesce(1).write().parquet(boolTs.toString());
    LakeforgeException notTime = assertThrows(LakeforgeException.class,
        () -> new FileScorer(model, 10).score(only(boolTs, ".parquet"), dir.resolve("o.parquet"), null));
    assertTrue(notTime.getMessage().contains("row 1, column 'ts': 'true' is not a timestamp"), notTime.getMessage());

    // An empty file is exit 2; a header without rows, or a Parquet file without rows, scores no rows.
    Files.writeString(dir.resolve("empty.csv"), "");
    assertEquals(2, ScorerMain.run("--model", modelDir.toString(), "--input", dir.resolve("empty.csv").toString(),
        "--output", dir.resolve("o.csv").toString()));
    Files.writeString(dir.resolve("header.csv"), "id,ts,x,cat\n");
    assertEquals(0, new FileScorer(model, 10).score(dir.resolve("header.csv"), dir.resolve("h.csv"), null).rows());
    assertEquals(List.of("id,ts,cat,prediction,probability"), Files.readAllLines(dir.resolve("h.csv")));
    Path noRows = dir.resolve("norows");
    SharedSpark.get().read().parquet(rawParquet.toString()).limit(0).coalesce(1).write().parquet(noRows.toString());
    assertEquals(0, new FileScorer(model, 10).score(only(noRows, ".parquet"), dir.resolve("n.parquet"), null)
        .rows());
    assertEquals(0, SharedSpark.get().read().parquet(dir.resolve("n.parquet").toString()).count());
    Files.writeString(dir.resolve("not.parquet"), "id,ts\n");
    assertEquals(2, ScorerMain.run("--model", modelDir.toString(), "--input", dir.resolve("not.parquet").toString(),
        "--output", dir.resolve("o.csv").toString()), "a file that is not Parquet");

    // An unseen category gets each kind's unknown value, counted, as the Spark transform gives them: the index
    // missing, the share 0, the target mean its prior, every one_hot 0. The same row with those features written
    // out scores the same.
    Files.writeString(dir.resolve("unseen.csv"), "id,ts,x,cat\n1,2020-01-01 08:00:00,3.5,XYZ\n");
    assertEquals(Map.of("cat_index", 1L, "cat_share", 1L, "cat_rate", 1L), new FileScorer(model, 10)
        .score(dir.resolve("unseen.csv"), dir.resolve("u.csv"), null).unknownCategories());
    double prior = model.recipe().path("features").path("cat_rate").path("prior").asDouble();
    Files.writeString(dir.resolve("unseen-features.csv"), "id,ts,x,cat_index,cat_share,cat_rate,is_ORD,is_JFK,"
        + "is_ATL\n1,2020-01-01 08:00:00,3.5,,0," + prior + ",0,0,0\n");
    new FileScorer(model, 10).score(dir.resolve("unseen-features.csv"), dir.resolve("uf.csv"), null);
    List<String> fromRaw = CsvLine.parse(Files.readAllLines(dir.resolve("u.csv")).get(1));
    List<String> fromFeatures = CsvLine.parse(Files.readAllLines(dir.resolve("uf.csv")).get(1));
    assertEquals(fromFeatures.subList(fromFeatures.size() - 2, fromFeatures.size()),
        fromRaw.subList(fromRaw.size() - 2, fromRaw.size()), "prediction and probability");
  }
}
