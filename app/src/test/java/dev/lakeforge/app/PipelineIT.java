package dev.lakeforge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.testing.SharedSpark;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `lakeforge run` on a 100k-row sample of the real flights data, against the real MLflow server. */
class PipelineIT {
  static final String RUN_DATE = "2001-06-15";
  @TempDir
  static Path work;
  static String mlflow;
  static String model;
  static int exitCode;
  static String stdout;
  static String stderr;
  static Path sample;

  @BeforeAll
  static void runPipeline() throws Exception {
    mlflow = E2eEnvironment.require("MLFLOW_TRACKING_URI", "the MLflow server to register with");
    SparkSession spark = SharedSpark.get();
    sample = work.resolve("raw");
    E2eEnvironment.sample(E2eEnvironment.flights(), 30, sample.resolve("flights-3m.parquet"));
    Files.copy(E2eEnvironment.repo().resolve("data/raw/airports.csv"), sample.resolve("airports.csv"));
    model = "flights_e2e_" + UUID.randomUUID().toString().substring(0, 8);
    CommandLineRun.Outcome run = CommandLineRun.execute(List.of("run", "--config",
        E2eEnvironment.repo().resolve("conf/pipelines/flights.yaml").toString(), "--run-date", RUN_DATE,
        "--profile", "local", "--run-id", "e2e-run"), List.of("lake.root=" + work.resolve("lake"), "lake.state=" + work.resolve("state"),
        "lake.models=" + work.resolve("models"), "sources.flights.path=" + sample.resolve("flights-3m.parquet"),
        "sources.airports.path=" + sample.resolve("airports.csv"), "scoring.output=" + work.resolve("exports"),
        "registry.model_name=" + model, "registry.experiment=" + model, "training.params.num_round=30",
        "registry.tracking_uri=" + mlflow));
    exitCode = run.code();
    stdout = run.out();
    stderr = run.err();
    System.out.println(stdout);
    System.out.println(stderr);
  }

  @Test
  void runSucceedsAndPrintsWhereResultsAre() {
    assertEquals(0, exitCode, stderr);
    assertTrue(stdout.contains("Export:"), stdout);
    assertTrue(stdout.contains("alias champion"), stdout);
  }

  @Test
  void tablesHoldEveryRowOnce() {
    SparkSession spark = SharedSpark.get();
    long rowsIn = spark.read().parquet(sample.resolve("flights-3m.parquet").toString()).count();
    // The config's error rules, written independently as plain SQL (airports has no bad rows in this data).
    spark.read().parquet(sample.resolve("flights-3m.parquet").toString()).createOrReplaceTempView("sample_flights");
    spark.read().option("header", "true").csv(sample.resolve("airports.csv").toString())
        .createOrReplaceTempView("sample_airports");
    long expectedBad = spark.sql("SELECT * FROM sample_flights WHERE "
        + "date is null or delay is null or delay < -120 or delay > 1800 or distance < 1 or distance > 6000 "
        + "or not coalesce(origin rlike '^[A-Z0-9]{3}$', true) "
        + "or not coalesce(destination rlike '^[A-Z0-9]{3}$', true) or not coalesce(origin <> destination, false) "
        + "or (origin is not null and origin not in (SELECT iata FROM sample_airports WHERE iata is not null)) "
        + "or (destination is not null and destination not in (SELECT iata FROM sample_airports "
        + "WHERE iata is not null))").count();
    String lake = work.resolve("lake").toString();
    long bronze = spark.read().format("delta").load(lake + "/bronze/flights").count();
    long silver = spark.read().format("delta").load(lake + "/silver/flights").count();
    long quarantined = spark.read().format("delta").load(lake + "/quarantine/flights").count();
    assertTrue(rowsIn > 95_000 && rowsIn < 105_000, "sample size " + rowsIn);
    assertEquals(rowsIn, bronze);
    assertEquals(expectedBad, quarantined);
    assertEquals(rowsIn, silver + quarantined);
    assertEquals(silver, spark.read().format("delta").load(lake + "/training_sets/flights_delay").count());
    String commit = spark.read().format("delta").load(lake + "/silver/flights").sparkSession()
        .sql("DESCRIBE HISTORY delta.`" + lake + "/silver/flights`").select("userMetadata").head().getString(0);
    assertTrue(commit.contains("\"run_id\":\"e2e-run\"") && commit.contains("\"config_hash\":"), commit);
  }

  @Test
  void registryHasTheChampionWithLineageAndMetricsInRange() throws Exception {
    JsonNode version = get("/api/2.0/mlflow/registered-models/alias?name=" + enc(model) + "&alias=champion")
        .path("model_version");
    assertEquals("1", version.path("version").asText());
    String runId = version.path("run_id").asText();
    JsonNode run = get("/api/2.0/mlflow/runs/get?run_id=" + runId).path("run");
    double auc = -1;
    for (JsonNode m : run.path("data").path("metrics")) {
      if (m.path("key").asText().equals("auc_roc")) {
        auc = m.path("value").asDouble();
      }
    }
    assertTrue(auc > 0.6 && auc < 0.8, "validation AUC on the sample: " + auc);
    boolean lineage = false;
    for (JsonNode t : version.path("tags")) {
      lineage |= t.path("key").asText().equals("lineage.silver.flights") && t.path("value").asText().equals("v0");
    }
    assertTrue(lineage, version.toString());
    // MLflow 3 (the server scripts/test.sh starts): the MLflow model is a logged model, the version's source.
    String source = version.path("source").asText();
    assertTrue(source.startsWith("models:/m-"), source);
    String modelId = source.substring("models:/".length());
    JsonNode logged = get("/api/2.0/mlflow/logged-models/" + modelId).path("model").path("info");
    assertEquals("LOGGED_MODEL_READY", logged.path("status").asText());
    String root = logged.path("artifact_uri").asText().replaceFirst("^mlflow-artifacts:/", "");
    JsonNode files = get("/api/2.0/mlflow-artifacts/artifacts?path=" + enc(root));
    assertTrue(files.toString().contains("MLmodel") && files.toString().contains("model.ubj"), files.toString());
  }

  @Test
  void exportHasOneScoredRowPerFlightOfTheDay() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> export = spark.read().parquet(work.resolve("exports/day=" + RUN_DATE).toString());
    long expected = spark.read().format("delta").load(work.resolve("lake/silver/flights").toString())
        .filter("to_date(date) = date'" + RUN_DATE + "'").count();
    assertTrue(expected > 0);
    assertEquals(expected, export.count());
    assertEquals(0, export.filter("probability < 0 or probability > 1 or prediction not in (0, 1)").count());
    assertEquals(expected, export.filter("model_name = '" + model + "' and model_version = '1'").count());
  }

  static JsonNode get(String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(mlflow + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
