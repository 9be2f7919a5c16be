package dev.lakeforge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.testing.SharedSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `lakeforge run` on the real Seattle weather data (all 1,461 days) with its string label: the path of a string
 * multiclass label from the CSV to the export, against the real MLflow server (issue 26, case 4).
 */
class WeatherPipelineIT {
  static final String RUN_DATE = "2015-12-31";
  static final List<String> CLASSES = List.of("drizzle", "fog", "rain", "snow", "sun");
  @TempDir
  static Path work;
  static int exitCode;
  static String stderr;
  static Path csv;

  @BeforeAll
  static void runPipeline() {
    String mlflow = E2eEnvironment.require("MLFLOW_TRACKING_URI", "the MLflow server to register with");
    csv = E2eEnvironment.repo().resolve("data/raw/seattle-weather.csv");
    String model = "weather_e2e_" + UUID.randomUUID().toString().substring(0, 8);
    List<String> args = List.of("run", "--config",
        E2eEnvironment.repo().resolve("conf/pipelines/seattle-weather.yaml").toString(), "--run-date", RUN_DATE,
        "--profile", "local", "--run-id", "weather-run");
    // Scores the validation year, so the export can be compared with the evaluation of the same rows.
    CommandLineRun.Outcome run = CommandLineRun.execute(args, List.of("lake.root=" + work.resolve("lake"),
        "lake.state=" + work.resolve("state"), "lake.models=" + work.resolve("models"), "sources.weather.path=" + csv,
        "scoring.output=" + work.resolve("exports"), "scoring.where=year(date) = 2015",
        "registry.model_name=" + model, "registry.experiment=" + model, "registry.tracking_uri=" + mlflow));
    exitCode = run.code();
    stderr = run.err();
    System.out.println(run.out());
  }

  @Test
  void everyDayIsKeptAndTheLabelStaysAString() {
    assertEquals(0, exitCode, stderr);
    SparkSession spark = SharedSpark.get();
    String lake = work.resolve("lake").toString();
    assertEquals(1461, spark.read().format("delta").load(lake + "/bronze/weather").count());
    assertEquals(1461, spark.read().format("delta").load(lake + "/silver/weather").count());
    assertEquals(0, spark.read().format("delta").load(lake + "/quarantine/weather").count());
    Dataset<Row> set = spark.read().format("delta").load(lake + "/training_sets/daily_weather");
    assertEquals("string", set.schema().apply("label").dataType().simpleString());
    assertEquals(1461, set.filter("label in ('drizzle', 'fog', 'rain', 'snow', 'sun')").count());
  }

  @Test
  void theModelTheReportAndTheExportNameTheClasses() throws Exception {
    assertEquals(0, exitCode, stderr);
    Path dir = work.resolve("models/seattle_weather/weather-run");
    ObjectMapper json = new ObjectMapper();
    assertEquals(CLASSES, names(json.readTree(dir.resolve("model-info.json").toFile()).path("classes")));
    JsonNode evaluation = json.readTree(dir.resolve("evaluation.json").toFile());
    assertEquals(CLASSES, names(evaluation.path("classes")));

    // Each confusion row is an actual class: its rows are 2015's days of that weather, counted from the CSV.
    SparkSession spark = SharedSpark.get();
    Dataset<Row> raw = spark.read().option("header", "true").csv(csv.toString()).filter("year(date) = 2015");
    JsonNode confusion = evaluation.path("confusion");
    long diagonal = 0;
    for (int c = 0; c < CLASSES.size(); c++) {
      long actual = 0;
      for (JsonNode cell : confusion.get(c)) {
        actual += cell.asLong();
      }
      assertEquals(raw.filter("weather = '" + CLASSES.get(c) + "'").count(), actual, CLASSES.get(c));
      diagonal += confusion.get(c).get(c).asLong();
    }
    double accuracy = evaluation.path("metrics").path("accuracy").asDouble();
    assertEquals(diagonal / 365.0, accuracy, 1e-12);
    assertTrue(accuracy > 0.8, "rain and sun are easy from precipitation; accuracy " + accuracy);

    // Score and evaluate predicted the same 365 days: the export's count per class is each confusion column.
    Dataset<Row> export = spark.read().option("header", "true").csv(work.resolve("exports/day=" + RUN_DATE)
        .toString());
    assertEquals(365, export.count());
    for (int c = 0; c < CLASSES.size(); c++) {
      long predicted = 0;
      for (JsonNode row : confusion) {
        predicted += row.get(c).asLong();
      }
      assertEquals(predicted, export.filter("prediction = '" + CLASSES.get(c) + "'").count(), CLASSES.get(c));
    }
  }

  static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
