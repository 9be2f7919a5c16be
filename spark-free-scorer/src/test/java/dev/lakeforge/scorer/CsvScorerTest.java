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

/** The Spark-free scorer predicts what the Spark model predicts, row by row, and refuses bad files by line. */
class CsvScorerTest {
  static final String PIPELINE = ToyPipeline.binary().keys("[id]")
      .params("{num_round: 30, max_depth: 4, eta: 0.3, seed: 7}").yaml();
  static Path modelDir;
  static Path csv;
  static Map<String, Double> sparkProbability = new HashMap<>();

  @BeforeAll
  static void trainAndScoreWithSpark() throws Exception {
    RunContext ctx = SharedSpark.context(PIPELINE, "2020-02-01");
    Dataset<Row> rows = ctx.spark().range(600).selectExpr("CAST(id AS STRING) AS id",
        "timestamp_seconds(1577836800 + id * 3600) AS ts", "rand(3) * 100 AS x",
        "IF(id % 3 = 0, NULL, IF(id % 5 = 0, 0.0, rand(5))) AS z", "rand(4) AS u")
        .selectExpr("id", "ts", "x", "z", "CAST(u * 100 < x AS DOUBLE) AS label");
    ctx.lake().write(rows, TableWrite.overwrite(TableRef.parse("training_sets.toy")));
    modelDir = Path.of(ctx.runStage(new TrainStage()).output(TrainStage.MODEL_DIR));
    ModelDirectory dir = new ModelDirectory(modelDir);
    for (Row r : SparkModels.transform(SparkModels.load(dir.sparkModel()), rows, List.of("x", "z"))
        .select(col("id"), SparkModels.positiveProbability()).collectAsList()) {
      sparkProbability.put(r.getString(0), r.getDouble(1));
    }
    Path out = Files.createTempDirectory("scorer").resolve("rows");
    rows.select("id", "x", "z").coalesce(1).write().option("header", "true").csv(out.toString());
    try (var files = Files.list(out)) {
      csv = files.filter(p -> p.toString().endsWith(".csv")).findFirst().orElseThrow();
    }
  }

  @Test
  void predictsWhatTheSparkModelPredictsRowByRow() throws Exception {
    ScorerModel model = ScorerModel.fromDirectory(modelDir, modelDir.toString());
    Path output = Files.createTempDirectory("scored").resolve("scored.csv");
    CsvScorer.Stats stats = new CsvScorer(model, 64).score(csv, output, null); // batches of 64: 10 batches
    assertEquals(600, stats.rows());
    List<String> lines = Files.readAllLines(output);
    assertEquals("id,prediction,probability", lines.get(0));
    double maxDiff = 0;
    for (String line : lines.subList(1, lines.size())) {
      List<String> cells = CsvLine.parse(line);
      double p = Double.parseDouble(cells.get(2));
      maxDiff = Math.max(maxDiff, Math.abs(p - sparkProbability.get(cells.get(0))));
      assertEquals(p >= 0.5 ? "1.0" : "0.0", cells.get(1));
    }
    assertTrue(maxDiff <= 1e-6, "max |scorer - Spark| = " + maxDiff);
    assertFalse(Files.exists(output.resolveSibling("scored.csv.partial")));
  }

  @Test
  void batchesPredictedAtOnceAreWrittenInInputOrder() throws Exception {
    ScorerModel model = ScorerModel.fromDirectory(modelDir, modelDir.toString());
    Path dir = Files.createTempDirectory("threads");
    List<String> ids = Files.readAllLines(csv).stream().skip(1).map(l -> CsvLine.parse(l).get(0)).toList();
    String oneThread = null;
    for (int threads : new int[] {1, 2, 5}) { // batches of 7 rows: 86 batches, the last one short
      Path out = dir.resolve("scored-" + threads + ".csv");
      assertEquals(600, new FileScorer(model, 7, threads).score(csv, out, List.of("id")).rows());
      String scored = Files.readString(out);
      assertEquals(ids, scored.lines().skip(1).map(l -> CsvLine.parse(l).get(0)).toList(), threads + " threads");
      oneThread = oneThread == null ? scored : oneThread;
      assertEquals(oneThread, scored, threads + " threads against 1");
    }
    // A bad cell in a late batch, read while earlier batches are being predicted: the same message, no output.
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(csv));
    List<String> cells = new java.util.ArrayList<>(CsvLine.parse(lines.get(500)));
    cells.set(1, "abc");
    lines.set(500, CsvLine.format(cells));
    Files.write(dir.resolve("late-bad.csv"), lines);
    LakeforgeException late = assertThrows(LakeforgeException.class,
        () -> new FileScorer(model, 7, 3).score(dir.resolve("late-bad.csv"), dir.resolve("o.csv"), null));
    assertTrue(late.getMessage().contains("line 501, column 'x': 'abc' is not a number"), late.getMessage());
    assertFalse(Files.exists(dir.resolve("o.csv")));
    assertFalse(Files.exists(dir.resolve("o.csv.partial")));
  }

  @Test
  void badFilesEndWithExit2NamingTheLineAndColumn() throws Exception {
    ScorerModel model = ScorerModel.fromDirectory(modelDir, "toy");
    Path dir = Files.createTempDirectory("bad");
    Files.writeString(dir.resolve("text.csv"), "id,x,z\n1,0.5,\n2,abc,0.1\n");
    LakeforgeException notNumber = assertThrows(LakeforgeException.class,
        () -> new CsvScorer(model, 10).score(dir.resolve("text.csv"), dir.resolve("o.csv"), null));
    assertEquals(ErrorKind.INPUT, notNumber.kind());
    assertTrue(notNumber.getMessage().contains("line 3, column 'x': 'abc' is not a number"), notNumber.getMessage());
    assertFalse(Files.exists(dir.resolve("o.csv")), "nothing half-written under the output's name");

    Files.writeString(dir.resolve("nofeature.csv"), "id,x\n1,0.5\n");
    LakeforgeException noFeature = assertThrows(LakeforgeException.class,
        () -> new CsvScorer(model, 10).score(dir.resolve("nofeature.csv"), dir.resolve("o.csv"), null));
    assertTrue(noFeature.getMessage().contains("the header lacks the features z"), noFeature.getMessage());

    Files.writeString(dir.resolve("short.csv"), "id,x,z\n1,0.5\n");
    LakeforgeException shortRow = assertThrows(LakeforgeException.class,
        () -> new CsvScorer(model, 10).score(dir.resolve("short.csv"), dir.resolve("o.csv"), null));
    assertTrue(shortRow.getMessage().contains("line 2 has 2 columns, the header 3"), shortRow.getMessage());

    assertEquals(2, ScorerMain.run("--model", dir.toString(), "--input", csv.toString(), "--output",
        dir.resolve("o.csv").toString()), "a directory without model-info.json");
    assertEquals(0, ScorerMain.run("--model", modelDir.toString(), "--input", csv.toString(), "--output",
        dir.resolve("o.csv").toString(), "--keep", "id"));
    assertEquals(601, Files.readAllLines(dir.resolve("o.csv")).size());
  }

  @Test
  void loadsARegisteredModelByAliasAndScoresTheSame() throws Exception {
    String tracking = System.getenv("MLFLOW_TRACKING_URI");
    org.junit.jupiter.api.Assumptions.assumeTrue(tracking != null, "needs the MLflow server scripts/test.sh starts");
    String name = "scorer_test_" + System.nanoTime();
    RunContext ctx = SharedSpark.context(PIPELINE.replace("http://127.0.0.1:1", tracking).replace("model_name: m",
        "model_name: " + name), "2020-02-01");
    ctx.lake().write(SharedSpark.get().read().option("header", "true").schema("id STRING, x DOUBLE, z DOUBLE")
            .csv(csv.toString()).selectExpr("id", "timestamp_seconds(1577836800 + CAST(id AS INT) * 3600) AS ts", "x",
                "z", "CAST(x > 50 AS DOUBLE) AS label"), TableWrite.overwrite(TableRef.parse("training_sets.toy")));
    ctx.runStage(new TrainStage());
    String version = ctx.runStage(new dev.lakeforge.registry.RegisterStage(java.util.Optional.empty(), true))
        .output(dev.lakeforge.registry.RegisterStage.MODEL_VERSION);

    Path cache = Files.createTempDirectory("scorer-cache");
    ScorerModel byAlias = ScorerModel.load("models:/" + name + "@champion", Map.of("MLFLOW_TRACKING_URI", tracking),
        cache);
    assertEquals("models:/" + name + "@champion (v" + version + ")", byAlias.source());
    try (var copies = Files.list(cache)) {
      Path copy = copies.filter(p -> p.getFileName().toString().startsWith(name + "-v" + version + "-"))
          .findFirst().orElseThrow();
      assertTrue(Files.isRegularFile(copy.resolve("model.json")), "downloaded once into the cache");
    }
    Path fromRegistry = cache.resolve("from-registry.csv");
    Path fromDirectory = cache.resolve("from-directory.csv");
    new CsvScorer(byAlias, 100).score(csv, fromRegistry, List.of("id"));
    ModelDirectory trained = new ModelDirectory(Path.of(ctx.manifests().require("train", "test")
        .output(TrainStage.MODEL_DIR)));
    new CsvScorer(ScorerModel.fromDirectory(Path.of(trained.root()), "dir"), 100).score(csv, fromDirectory, List.of("id"));
    assertEquals(Files.readAllLines(fromDirectory), Files.readAllLines(fromRegistry),
        "the registry's JSON booster scores as the trained UBJ one");

    assertEquals(2, ScorerMain.run("--model", "models:/" + name + "@nope", "--input", csv.toString(), "--output",
        cache.resolve("x.csv").toString(), "--cache", cache.toString()), "an unknown alias");
  }

  @Test
  void twoServersEachWithAV1OfTheSameNameScoreTheirOwnModelsFromOneCache() throws Exception {
    String direct = System.getenv("MLFLOW_TRACKING_URI");
    String proxied = System.getenv("MLFLOW_PREFIXED_TRACKING_URI");
    org.junit.jupiter.api.Assumptions.assumeTrue(direct != null && proxied != null,
        "needs both MLflow servers scripts/test.sh starts");
    String name = "scorer_two_servers_" + System.nanoTime();
    Path cache = Files.createTempDirectory("scorer-cache");
    Map<String, List<String>> own = new HashMap<>();
    // Server one's model learns x > 50, server two's (behind the /mlflow prefix) x < 50.
    for (var server : List.of(Map.entry(direct, "x > 50"), Map.entry(proxied, "x < 50"))) {
      RunContext ctx = SharedSpark.context(PIPELINE.replace("http://127.0.0.1:1", server.getKey())
          .replace("model_name: m", "model_name: " + name), "2020-02-01");
      ctx.lake().write(SharedSpark.get().read().option("header", "true").schema("id STRING, x DOUBLE, z DOUBLE")
              .csv(csv.toString()).selectExpr("id", "timestamp_seconds(1577836800 + CAST(id AS INT) * 3600) AS ts",
                  "x", "z", "CAST(" + server.getValue() + " AS DOUBLE) AS label"), TableWrite.overwrite(TableRef.parse("training_sets.toy")));
      var trained = ctx.runStage(new TrainStage());
      assertEquals("1", ctx.runStage(new dev.lakeforge.registry.RegisterStage(java.util.Optional.empty(), true))
          .output(dev.lakeforge.registry.RegisterStage.MODEL_VERSION), "each server's first version");
      Path expected = cache.resolveSibling(cache.getFileName() + "-" + own.size() + ".csv");
      new CsvScorer(ScorerModel.fromDirectory(Path.of(trained.output(TrainStage.MODEL_DIR)), "dir"), 100)
          .score(csv, expected, List.of("id"));
      own.put(server.getKey(), Files.readAllLines(expected));
    }
    assertFalse(own.get(direct).equals(own.get(proxied)), "two different models");

    for (String server : List.of(direct, proxied, direct)) {
      Path out = cache.resolveSibling(cache.getFileName() + "-scored.csv");
      ScorerModel loaded = ScorerModel.load("models:/" + name + "/1", Map.of("MLFLOW_TRACKING_URI", server), cache);
      new CsvScorer(loaded, 100).score(csv, out, List.of("id"));
      assertEquals(own.get(server), Files.readAllLines(out), "the predictions of " + server + "'s model");
    }
    try (var copies = Files.list(cache)) {
      assertEquals(2, copies.filter(p -> p.getFileName().toString().startsWith(name + "-v1-")).count(),
          "one copy per server");
    }
  }
}
