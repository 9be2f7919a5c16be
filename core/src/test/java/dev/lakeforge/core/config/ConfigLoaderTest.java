package dev.lakeforge.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.LakeforgeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  static final String MINIMAL = """
      pipeline: demo
      sources:
        events:
          format: parquet
          path: /data/events.parquet
      validation:
        events:
          source: events
          rules:
            - {name: id_present, kind: not_null, column: id}
      feature_sets:
        history: {source: silver.events, entity: [id], event_time: ts, features: [{name: n, aggregate: count, window: 1d}]}
      training_sets:
        demo:
          spine: {source: silver.events, event_time: ts, keys: [id], label: "cast(y > 0 as int)"}
          features: [{name: x2, expr: "x * 2"}]
          feature_sets: [history]
      training:
        split: {column: ts, validate_from: "2020-06-01"}
        params: {num_round: 10, max_depth: 3}
      registry:
        tracking_uri: ${env:TRACKING:-http://127.0.0.1:5000}
        experiment: demo
        model_name: demo_model
      scoring:
        output: /tmp/out
      """;

  @TempDir
  Path dir;

  Path write(String text) throws IOException {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, text);
    return file;
  }

  LakeforgeException failure(String text, Map<String, String> env, List<String> overrides) throws IOException {
    Path file = write(text);
    return assertThrows(LakeforgeException.class, () -> new ConfigLoader(env).loadPipeline(file, overrides));
  }

  @Test
  void loadsRecordsWithDefaultsAndEnvDefault() throws IOException {
    LoadedConfig loaded = new ConfigLoader(Map.of()).loadPipeline(write(MINIMAL), List.of());
    PipelineConfig c = loaded.config();
    assertEquals("demo", c.pipeline());
    assertEquals("data/lake", c.lake().root());
    assertEquals("full", c.sources().get("events").load());
    assertEquals(0.05, c.validation().get("events").maxQuarantineFraction());
    assertEquals("error", c.validation().get("events").rules().get(0).severity());
    assertEquals(10, c.training().params().get("num_round"));
    assertEquals("http://127.0.0.1:5000", c.registry().trackingUri());
    assertEquals("champion", c.registry().alias());
    assertEquals(64, loaded.hash().length());
  }

  @Test
  void envValueWinsOverDefault() throws IOException {
    LoadedConfig loaded = new ConfigLoader(Map.of("TRACKING", "http://mlflow:5000")).loadPipeline(write(MINIMAL), List.of());
    assertEquals("http://mlflow:5000", loaded.config().registry().trackingUri());
  }

  @Test
  void missingEnvWithoutDefaultNamesLineAndVariable() throws IOException {
    var e = failure(MINIMAL.replace("${env:TRACKING:-http://127.0.0.1:5000}", "${env:NOPE}"), Map.of(), List.of());
    assertEquals(ErrorKind.CONFIG, e.kind());
    assertTrue(e.getMessage().contains("p.yaml:22"), e.getMessage());
    assertTrue(e.getMessage().contains("NOPE is not set"), e.getMessage());
  }

  @Test
  void unknownKeyNamesFileLineAndKey() throws IOException {
    var e = failure(MINIMAL.replace("  params:", "  parms: {}\n  params:"), Map.of(), List.of());
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("p.yaml:20"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key 'training.parms'"), e.getMessage());
    assertTrue(e.getMessage().contains("threads_per_worker"), e.getMessage());
  }

  @Test
  void misspeltRequiredKeyIsReportedAsUnknownNotMissing() throws IOException {
    var e = failure(MINIMAL.replace("  experiment: demo", "  experimnt: demo"), Map.of(), List.of());
    assertTrue(e.getMessage().contains("p.yaml:23:3: unknown key 'registry.experimnt'"), e.getMessage());
  }

  @Test
  void wrongTypeNamesLineAndKey() throws IOException {
    var e = failure(MINIMAL.replace("max_quarantine_fraction", "x").replace("source: events",
        "source: events\n    max_quarantine_fraction: lots"), Map.of(), List.of());
    assertTrue(e.getMessage().contains("p.yaml:9"), e.getMessage());
    assertTrue(e.getMessage().contains("'validation.events.max_quarantine_fraction' must be a number"),
        e.getMessage());
  }

  @Test
  void missingRequiredKeyIsNamed() throws IOException {
    var e = failure(MINIMAL.replace("  model_name: demo_model\n", ""), Map.of(), List.of());
    assertTrue(e.getMessage().contains("key 'model_name' is required"), e.getMessage());
  }

  @Test
  void badYamlSyntaxIsAConfigError() throws IOException {
    var e = failure(MINIMAL + "  - broken: [\n", Map.of(), List.of());
    assertEquals(ErrorKind.CONFIG, e.kind());
    assertTrue(e.getMessage().startsWith("Cannot parse config"), e.getMessage());
  }

  @Test
  void aTabInTheYamlIsNamedWhereItIs() throws IOException {
    // SnakeYAML's first line ("while scanning for the next token") says nothing; its problem and mark do.
    var e = failure("pipeline: toy\nlake:\n  root: a\n\tstate: b\n", Map.of(), List.of());
    assertEquals(ErrorKind.CONFIG, e.kind());
    assertTrue(e.getMessage().endsWith("p.yaml:4:1: found character '\\t(TAB)' that cannot start any token. (Do not "
        + "use \\t(TAB) for indentation). Fix: correct the YAML at that position."), e.getMessage());
  }

  @Test
  void missingFileSaysWhichFile() {
    var e = assertThrows(LakeforgeException.class,
        () -> new ConfigLoader(Map.of()).loadPipeline(dir.resolve("nope.yaml"), List.of()));
    assertTrue(e.getMessage().contains("nope.yaml: the file does not exist"), e.getMessage());
  }

  @Test
  void overridesApplyAndChangeTheHash() throws IOException {
    Path file = write(MINIMAL);
    LoadedConfig base = new ConfigLoader(Map.of()).loadPipeline(file, List.of());
    LoadedConfig changed = new ConfigLoader(Map.of()).loadPipeline(file,
        List.of("training.params.max_depth=8", "sources.events.path=/other.parquet", "lake.root=/lake"));
    assertEquals(8, changed.config().training().params().get("max_depth"));
    assertEquals("/other.parquet", changed.config().sources().get("events").path());
    assertEquals("/lake", changed.config().lake().root());
    assertNotEquals(base.hash(), changed.hash());
  }

  @Test
  void overrideOfUnknownKeyIsNamedAsOverride() throws IOException {
    var e = failure(MINIMAL, Map.of(), List.of("training.depth=3"));
    assertTrue(e.getMessage().contains("--set training.depth=3"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key 'training.depth'"), e.getMessage());
  }

  @Test
  void secretsAreRedactedInParamsAndHash() throws IOException {
    String withSecret = MINIMAL.replace("    path: /data/events.parquet",
        "    path: /data/events.parquet\n    options: {password: \"${env:PW}\"}");
    LoadedConfig a = new ConfigLoader(Map.of("PW", "hunter2")).loadPipeline(write(withSecret), List.of());
    LoadedConfig b = new ConfigLoader(Map.of("PW", "other")).loadPipeline(write(withSecret), List.of());
    assertEquals("***", a.flattened().get("sources.events.options.password"));
    assertTrue(a.flattened().values().stream().noneMatch(v -> v.contains("hunter2")));
    assertEquals(a.hash(), b.hash());
  }

  @Test
  void openLineageIsOffByDefaultAndItsSettingsLeaveTheHashAlone() throws IOException {
    LoadedConfig plain = new ConfigLoader(Map.of()).loadPipeline(write(MINIMAL), List.of());
    assertTrue(!plain.config().lineage().openLineageOn());
    LoadedConfig on = new ConfigLoader(Map.of("OL_KEY", "k3y")).loadPipeline(write(MINIMAL
        + "lineage:\n  openlineage: {transport: http, url: \"http://marquez:5000\", api_key: ${env:OL_KEY}}\n"),
        List.of());
    OpenLineageConfig ol = on.config().lineage().openlineage();
    assertTrue(on.config().lineage().openLineageOn());
    assertEquals("api/v1/lineage", ol.endpoint());
    assertEquals("lakeforge", ol.namespace());
    assertEquals(5000, ol.timeoutMs());
    assertEquals("k3y", ol.apiKey());
    assertEquals("***", on.flattened().get("lineage.openlineage.api_key"));
    assertEquals(plain.hash(), on.hash(), "where events go changes no table or model");
  }

  @Test
  void openLineageConfigErrorsNameTheKey() throws IOException {
    var unknown = failure(MINIMAL + "lineage:\n  openlineage: {transprt: file}\n", Map.of(), List.of());
    assertTrue(unknown.getMessage().contains("p.yaml:28:17: unknown key 'lineage.openlineage.transprt'"),
        unknown.getMessage());
    assertTrue(unknown.getMessage().contains("transport, url"), unknown.getMessage());
    var badTransport = failure(MINIMAL, Map.of(), List.of("lineage.openlineage.transport=kafka"));
    assertEquals(2, badTransport.exitCode());
    assertTrue(badTransport.getMessage().contains("key 'transport' is 'kafka' but must be one of console, file, "
        + "http, off"), badTransport.getMessage());
    var misspelt = failure(MINIMAL + "lineage:\n  openlineage:\n    url: x\n    transport: kafka2\n", Map.of(), List.of());
    assertTrue(misspelt.getMessage().contains("p.yaml:30:5: key 'transport' is 'kafka2'"), "the key's own line: "
        + misspelt.getMessage());
    var noUrl = failure(MINIMAL + "lineage: {openlineage: {transport: http}}\n", Map.of(), List.of());
    assertTrue(noUrl.getMessage().contains("key 'url' is required"), noUrl.getMessage());
    var notHttp = failure(MINIMAL + "lineage: {openlineage: {transport: http, url: \"marquez:5000\"}}\n", Map.of(),
        List.of());
    assertTrue(notHttp.getMessage().contains("needs an http:// or https:// URL"), notHttp.getMessage());
  }
}
