package dev.lakeforge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.lakeforge.app.CommandLineRun.Outcome;
import dev.lakeforge.core.run.RunManifests;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenLineage events of real stages run through the command line: file transport (events against the spec's
 * required shape, inputs and outputs equal to the run manifests), FAIL of a stage that exits non-zero, an HTTP
 * receiver on loopback with the Airflow parent run, and an endpoint that is down.
 */
class OpenLineageEventsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RUN_DATE = "2026-11-01";

  @TempDir
  static Path dir;
  static Path config;

  @BeforeAll
  static void toyPipeline() throws Exception {
    String yaml = ToyPipeline.around("lineage_toy", """
        validation:
          raw:
            source: raw
            max_quarantine_fraction: 0.5
            rules: [{name: id_present, kind: not_null, column: id}]
        training: {split: {column: ts, validate_from: "2020-01-21"}}
        """).replace("${TMP}", dir.toString());
    config = dir.resolve("pipeline.yaml");
    Files.writeString(config, yaml);
    SharedSpark.get().range(10).selectExpr("IF(id = 3, NULL, id) AS id", "timestamp_seconds(1577836800 + id) AS ts",
        "id * 0.5 AS x").write().parquet(dir.resolve("raw").toString());
  }

  static Outcome lakeforge(String stage, String runId, String... sets) {
    return CommandLineRun.execute(List.of(stage, "--config", config.toString(), "--run-date", RUN_DATE, "--run-id",
        runId, "--profile", SharedSpark.repoRoot().resolve("conf/spark/local.yaml").toString()), List.of(sets));
  }

  static List<JsonNode> lines(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  @Test
  void fileTransportEventsMatchTheRunManifests() throws Exception {
    Path events = dir.resolve("events.jsonl");
    for (String stage : List.of("ingest", "validate")) {
      Outcome o = lakeforge(stage, "lineage-file", "lineage.openlineage.transport=file",
          "lineage.openlineage.url=" + events);
      assertEquals(0, o.code(), o.err());
    }
    List<JsonNode> all = lines(events);
    assertEquals(List.of("START", "COMPLETE", "START", "COMPLETE"),
        all.stream().map(e -> e.get("eventType").asText()).toList());
    RunManifests manifests = new RunManifests(dir.resolve("state"), "lineage_toy", RUN_DATE);
    String lake = dir.resolve("lake").toString();
    for (int i = 0; i < 4; i += 2) {
      JsonNode start = all.get(i);
      JsonNode complete = all.get(i + 1);
      String stage = complete.get("job").get("name").asText().substring("lineage_toy.".length());
      StageResult manifest = manifests.find(stage).orElseThrow();
      for (JsonNode event : List.of(start, complete)) {
        assertFollowsTheSpec(event);
        assertEquals("lakeforge", event.get("job").get("namespace").asText());
        assertEquals("lineage_toy." + stage, event.get("job").get("name").asText());
        JsonNode facet = event.get("run").get("facets").get("lakeforge");
        assertEquals(RUN_DATE, facet.get("runDate").asText());
        assertEquals(manifest.configHash(), facet.get("configHash").asText());
        assertEquals("lineage-file", facet.get("runId").asText());
        assertEquals("spark", event.get("run").get("facets").get("processing_engine").get("name").asText());
        assertEquals(RUN_DATE + "T00:00:00Z",
            event.get("run").get("facets").get("nominalTime").get("nominalStartTime").asText());
        // The library's own parser reads it back.
        OpenLineage.RunEvent parsed = OpenLineageClientUtils.runEventFromJson(event.toString());
        assertEquals(UUID.fromString(start.get("run").get("runId").asText()), parsed.getRun().getRunId());
      }
      assertEquals(start.get("run").get("runId"), complete.get("run").get("runId"), "one run id per stage run");
      assertEquals(0, start.get("inputs").size() + start.get("outputs").size());
      assertEquals(tables(manifest.reads(), lake), datasets(complete.get("inputs")), stage + " inputs");
      assertEquals(tables(manifest.writes(), lake), datasets(complete.get("outputs")), stage + " outputs");
      for (JsonNode output : complete.get("outputs")) {
        assertTrue(output.get("facets").get("schema").get("fields").size() > 0, output.toString());
        assertNotNull(output.get("outputFacets").get("outputStatistics").get("rowCount"), output.toString());
      }
    }
    JsonNode bronze = dataset(all.get(1).get("outputs"), lake + "/bronze/raw");
    assertEquals(10, bronze.get("outputFacets").get("outputStatistics").get("rowCount").asLong());
    assertEquals(Set.of("id", "ts", "x", "_batch_id", "_ingest_time", "_source", "_run_date"),
        fieldNames(bronze.get("facets").get("schema").get("fields")));
    assertEquals("bronze.raw", bronze.get("facets").get("symlinks").get("identifiers").get(0).get("name").asText());
    assertEquals(9, dataset(all.get(3).get("outputs"), lake + "/silver/raw").get("outputFacets")
        .get("outputStatistics").get("rowCount").asLong(), "the row without id is quarantined");
    assertEquals(1, dataset(all.get(3).get("outputs"), lake + "/quarantine/raw").get("outputFacets")
        .get("outputStatistics").get("rowCount").asLong());
  }

  /** name@version of each table, as the events should carry them: namespace file, the absolute path. */
  static Set<String> tables(List<TableVersion> tables, String lake) {
    return tables.stream().map(t -> "file:" + lake + "/" + t.table().replace('.', '/') + "@" + t.version())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  static Set<String> datasets(JsonNode list) {
    Set<String> out = new TreeSet<>();
    list.forEach(d -> out.add(d.get("namespace").asText() + ":" + d.get("name").asText() + "@"
        + d.get("facets").get("version").get("datasetVersion").asText()));
    return out;
  }

  static JsonNode dataset(JsonNode list, String name) {
    for (JsonNode d : list) {
      if (d.get("name").asText().equals(name)) {
        return d;
      }
    }
    throw new AssertionError("no dataset " + name + " in " + list);
  }

  static Set<String> fieldNames(JsonNode fields) {
    Set<String> out = new TreeSet<>();
    fields.forEach(f -> out.add(f.get("name").asText()));
    return out;
  }

  /** The event follows OpenLineage's JSON schemas: the RunEvent and every facet against its own schema. */
  static void assertFollowsTheSpec(JsonNode event) {
    assertEquals(List.of(), OpenLineageSpec.violations(event), event.toString());
  }

  @Test
  void theSchemaCheckFindsABrokenEvent() throws Exception {
    // The oracle can fail: a real event, then three ways it can break (a RunEvent key, a spec facet, our facet).
    Path events = dir.resolve("broken.jsonl");
    assertEquals(0, lakeforge("ingest", "lineage-broken", "lineage.openlineage.transport=file",
        "lineage.openlineage.url=" + events).code());
    JsonNode complete = lines(events).get(1);
    assertEquals(List.of(), OpenLineageSpec.violations(complete));
    var noEventTime = complete.deepCopy();
    ((ObjectNode) noEventTime).remove("eventTime");
    assertTrue(OpenLineageSpec.violations(noEventTime).stream().anyMatch(v -> v.contains("eventTime")),
        OpenLineageSpec.violations(noEventTime).toString());
    var badRowCount = complete.deepCopy();
    ((ObjectNode) badRowCount.get("outputs").get(0).get("outputFacets")
        .get("outputStatistics")).put("rowCount", "ten");
    assertTrue(OpenLineageSpec.violations(badRowCount).stream()
        .anyMatch(v -> v.startsWith("outputs[0].outputFacets.outputStatistics") && v.contains("rowCount")),
        OpenLineageSpec.violations(badRowCount).toString());
    var badRunDate = complete.deepCopy();
    ((ObjectNode) badRunDate.get("run").get("facets").get("lakeforge"))
        .put("runDate", 20261101);
    assertTrue(OpenLineageSpec.violations(badRunDate).stream()
        .anyMatch(v -> v.startsWith("run.facets.lakeforge") && v.contains("runDate")),
        OpenLineageSpec.violations(badRunDate).toString());
  }

  @Test
  void aStageThatExitsNonZeroSendsFailWithTheError() throws Exception {
    Path events = dir.resolve("fail.jsonl");
    Outcome o = lakeforge("ingest", "lineage-fail", "lineage.openlineage.transport=file",
        "lineage.openlineage.url=" + events, "sources.raw.path=" + dir.resolve("no-such-dir"));
    assertEquals(2, o.code(), o.err());
    List<JsonNode> all = lines(events);
    assertEquals(List.of("START", "FAIL"), all.stream().map(e -> e.get("eventType").asText()).toList());
    all.forEach(OpenLineageEventsTest::assertFollowsTheSpec);
    assertEquals(all.get(0).get("run").get("runId"), all.get(1).get("run").get("runId"));
    JsonNode error = all.get(1).get("run").get("facets").get("errorMessage");
    assertEquals("JAVA", error.get("programmingLanguage").asText());
    String line = o.err().strip();
    assertTrue(line.endsWith(error.get("message").asText()), line + " vs " + error);
    assertTrue(error.get("stackTrace").asText().contains("IngestStage"), error.toString());
  }

  @Test
  void anHttpReceiverOnLoopbackGetsTheEventsWithTheAirflowParentRun() throws Exception {
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/lineage", exchange -> {
      bodies.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
          + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(201, -1);
      exchange.close();
    });
    server.start();
    var spark = SharedSpark.get();
    UUID task = UUID.randomUUID();
    Map<String, String> parent = Map.of("spark.openlineage.parentJobNamespace", "airflow",
        "spark.openlineage.parentJobName", "lakeforge_training.ingest",
        "spark.openlineage.parentRunId", task.toString());
    parent.forEach(spark.conf()::set);
    try {
      Outcome o = lakeforge("ingest", "lineage-http", "lineage.openlineage.transport=http",
          "lineage.openlineage.url=http://127.0.0.1:" + server.getAddress().getPort());
      assertEquals(0, o.code(), o.err());
    } finally {
      parent.keySet().forEach(spark.conf()::unset);
      server.stop(0);
    }
    assertEquals(2, bodies.size(), bodies.toString());
    List<JsonNode> events = new ArrayList<>();
    for (String body : bodies) {
      assertTrue(body.startsWith("POST application/json"), body);
      events.add(JSON.readTree(body.substring(body.indexOf('{'))));
    }
    assertEquals(List.of("START", "COMPLETE"), events.stream().map(e -> e.get("eventType").asText()).toList());
    for (JsonNode event : events) {
      assertFollowsTheSpec(event);
      JsonNode p = event.get("run").get("facets").get("parent");
      assertEquals("lakeforge_training.ingest", p.get("job").get("name").asText());
      assertEquals(task.toString(), p.get("run").get("runId").asText());
    }
  }

  @Test
  void anEndpointThatIsDownNeverFailsTheStage() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    List<String> logged = Collections.synchronizedList(new ArrayList<>());
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    var appender = new AbstractAppender("lineage-test", null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        (event.getLevel() == Level.WARN ? warnings : logged).add(event.getMessage().getFormattedMessage());
      }
    };
    appender.start();
    LoggerConfig logger = new LoggerConfig("dev.lakeforge.core.lineage", Level.DEBUG, true);
    logger.addAppender(appender, Level.DEBUG, null);
    ctx.getConfiguration().addLogger(logger.getName(), logger);
    ctx.updateLoggers();
    Outcome o;
    Outcome intoADirectory;
    List<String> fileWarnings;
    try {
      o = lakeforge("ingest", "lineage-down", "lineage.openlineage.transport=http",
          "lineage.openlineage.url=http://127.0.0.1:" + closed);
      fileWarnings = new ArrayList<>();
      int before = warnings.size();
      // The file transport with a path it cannot write (a directory): the same warning, never a lost event.
      Path directory = Files.createTempDirectory("lineage-dir");
      intoADirectory = lakeforge("ingest", "lineage-file-down", "lineage.openlineage.transport=file",
          "lineage.openlineage.url=" + directory);
      fileWarnings.addAll(warnings.subList(before, warnings.size()));
      warnings.subList(before, warnings.size()).clear();
    } finally {
      ctx.getConfiguration().removeLogger(logger.getName());
      ctx.updateLoggers();
      appender.stop();
    }
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("bronze.raw@v"), o.out());
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("OpenLineage: could not send the START event of lineage_toy.ingest to "
        + "http://127.0.0.1:" + closed), warnings.get(0));
    assertTrue(logged.stream().anyMatch(m -> m.startsWith("OpenLineage event not sent: {") && m.contains("\"COMPLETE\"")),
        "the event is in the log: " + logged);
    assertEquals(0, intoADirectory.code(), intoADirectory.err());
    assertEquals(2, fileWarnings.size(), fileWarnings.toString());
    assertTrue(fileWarnings.get(0).contains("could not send the START event of lineage_toy.ingest")
        && fileWarnings.get(0).contains("Is a directory"), fileWarnings.get(0));
  }
}
