package dev.lakeforge.core.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.lakeforge.core.config.RegistryConfig;
import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.LakeforgeException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The REST client against real MLflow servers: MLFLOW_TRACKING_URI directly, and MLFLOW_PREFIXED_TRACKING_URI, a
 * second server behind scripts/prefix-proxy.py at {@code /mlflow} (both started by scripts/test.sh).
 */
class MlflowClientTest {
  static MlflowClient client(String uri) {
    return new MlflowClient(new RegistryConfig(uri, "lakeforge-tests", "m", null, 2, 10L), Map.of());
  }

  static String prefixed() {
    String uri = System.getenv("MLFLOW_PREFIXED_TRACKING_URI");
    assumeTrue(uri != null, "needs the prefixed MLflow server scripts/test.sh starts");
    return uri;
  }

  static String direct() {
    String uri = System.getenv("MLFLOW_TRACKING_URI");
    assumeTrue(uri != null, "needs the MLflow server scripts/test.sh starts");
    return uri;
  }

  @Test
  void callsAreAppendedToTheTrackingUriKeepingItsPathPrefix() {
    assertEquals("http://proxy:8080/mlflow/api/2.0/mlflow/runs/get?run_id=1",
        client("http://proxy:8080/mlflow").url("/api/2.0/mlflow/runs/get?run_id=1").toString());
    assertEquals("http://proxy:8080/a/b/api/2.0/mlflow-artifacts/artifacts",
        client("http://proxy:8080/a/b//").url("/api/2.0/mlflow-artifacts/artifacts").toString(), "trailing slashes");
    assertEquals("http://127.0.0.1:5000/api/2.0/mlflow/runs/get",
        client("http://127.0.0.1:5000/").url("/api/2.0/mlflow/runs/get").toString(), "no prefix");
    var query = assertThrows(LakeforgeException.class, () -> client("http://h:1/mlflow?x=1"));
    assertEquals(ErrorKind.CONFIG, query.kind());
    assertTrue(query.getMessage().contains("without a query or fragment"), query.getMessage());
  }

  @Test
  void registersVersionsAliasesAndArtifactsThroughAPathPrefix() throws Exception {
    String uri = prefixed();
    assertTrue(java.net.URI.create(uri).getPath().length() > 1, "a URI with a path prefix: " + uri);
    String model = "prefix_test_" + System.nanoTime();
    MlflowClient mlflow = client(uri);
    String experiment = mlflow.experimentId("lakeforge-tests");
    assertEquals(experiment, mlflow.experimentId("lakeforge-tests"), "found again, not created twice");
    JsonNode run = mlflow.createRun(experiment, model, Map.of("lakeforge.blessed", "true"));
    String runId = run.path("info").path("run_id").asText();
    String artifacts = run.path("info").path("artifact_uri").asText();
    Path file = Files.createTempFile("artifact", ".json");
    Files.writeString(file, "{\"features\": [\"x\"]}");
    mlflow.uploadFile(artifacts, "lakeforge/model-info.json", file);
    mlflow.finishRun(runId);

    assertEquals(Optional.empty(), mlflow.versionByAlias(model, "champion"), "the registry says: no such model");
    mlflow.ensureRegisteredModel(model, "test");
    mlflow.ensureRegisteredModel(model, "test"); // exists: not created again
    assertEquals(Optional.empty(), mlflow.versionByAlias(model, "champion"), "the registry says: no such alias");
    assertEquals(Optional.empty(), mlflow.modelVersion(model, "7"), "the registry says: no such version");
    String version = mlflow.createModelVersion(model, artifacts + "/model", runId, "test", Map.of())
        .path("version").asText();
    assertEquals("1", version);
    mlflow.setAlias(model, "champion", version);

    // The same server with a trailing slash on its URI: the champion is found, its files read through the prefix.
    MlflowClient slash = client(uri + "/");
    JsonNode champion = slash.versionByAlias(model, "champion").orElseThrow();
    assertEquals("1", champion.path("version").asText());
    assertEquals(runId, champion.path("run_id").asText());
    assertEquals(runId, slash.findVersionOfRun(model, runId).orElseThrow().path("run_id").asText());
    Path download = Files.createTempDirectory("download");
    slash.downloadDirectory(slash.getRun(runId).path("info").path("artifact_uri").asText(), "lakeforge", download);
    assertEquals("{\"features\": [\"x\"]}", Files.readString(download.resolve("model-info.json")));
    slash.deleteAlias(model, "champion");
    assertEquals(Optional.empty(), mlflow.versionByAlias(model, "champion"));
  }

  @Test
  void aUrlThatMissesOrAddsThePathPrefixIsExit2NamingTheUrlNeverMissing() {
    String proxied = prefixed();
    String withoutPrefix = proxied.substring(0, proxied.length() - java.net.URI.create(proxied).getPath().length());
    // The proxy's own 404 page: the API is not at the root.
    var missing = assertThrows(LakeforgeException.class,
        () -> client(withoutPrefix).versionByAlias("any_model", "champion"));
    assertEquals(ErrorKind.CONFIG, missing.kind());
    assertEquals(2, missing.exitCode());
    assertTrue(missing.getMessage().startsWith("Cannot use MLflow at " + withoutPrefix + ": " + withoutPrefix
        + "/api/2.0/mlflow/registered-models/alias answered HTTP 404"), missing.getMessage());
    assertTrue(missing.getMessage().contains("including its path prefix"), missing.getMessage());

    // MLflow's own 404 page for a prefix it does not have; the lookups that used to create on 404 refuse as well.
    String extra = direct() + "/mlflow";
    for (var call : java.util.List.<org.junit.jupiter.api.function.Executable>of(
        () -> client(extra).versionByAlias("any_model", "champion"),
        () -> client(extra).modelVersion("any_model", "1"),
        () -> client(extra).experimentId("lakeforge-tests"),
        () -> client(extra).ensureRegisteredModel("any_model", "test"))) {
      var e = assertThrows(LakeforgeException.class, call);
      assertEquals(2, e.exitCode(), e.getMessage());
      assertTrue(e.getMessage().contains(extra + "/api/2.0/mlflow/"), e.getMessage());
      assertTrue(e.getMessage().contains("answered HTTP 404 404 Not Found"), e.getMessage());
    }
  }

  @Test
  void aRegistryThatFailsIsExit5NeverMissing() throws Exception {
    // A proxy whose upstream is down answers 502 with its own page.
    HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.createContext("/", exchange -> {
      byte[] page = "<html><body><h1>502 Bad Gateway</h1></body></html>".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(502, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    gateway.start();
    try {
      MlflowClient failing = client("http://127.0.0.1:" + gateway.getAddress().getPort() + "/mlflow");
      var e = assertThrows(LakeforgeException.class, () -> failing.versionByAlias("m", "champion"));
      assertEquals(ErrorKind.SERVICE_UNAVAILABLE, e.kind());
      assertEquals(5, e.exitCode());
      assertTrue(e.getMessage().contains("after 2 attempts: HTTP 502"), e.getMessage());
      assertEquals(5, assertThrows(LakeforgeException.class, () -> failing.modelVersion("m", "1")).exitCode());
    } finally {
      gateway.stop(0);
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    var refused = assertThrows(LakeforgeException.class,
        () -> client("http://127.0.0.1:" + closed + "/mlflow").versionByAlias("m", "champion"));
    assertEquals(5, refused.exitCode());
    assertTrue(refused.getMessage().contains("ConnectException"), refused.getMessage());
  }

  @Test
  void aHostNameTheMlflow3ServerWasNotStartedWithIsExit2NamingIt() throws Exception {
    // What the real server (MLflow 3, --allowed-hosts from scripts/mlflow-server.sh) answers a Host it does not
    // allow, as it reaches it behind a proxy that passes the site's name on; a raw socket, since Java's HttpClient
    // sets Host itself.
    java.net.URI server = java.net.URI.create(direct());
    String answer;
    try (java.net.Socket socket = new java.net.Socket(server.getHost(), server.getPort())) {
      socket.getOutputStream().write(("GET /api/2.0/mlflow/experiments/search?max_results=1 HTTP/1.0\r\n"
          + "Host: mlflow.example.com\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(answer.startsWith("HTTP/1.1 403") || answer.startsWith("HTTP/1.0 403"), answer);
    String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
    assertTrue(MlflowClient.refusesHost(403, body), body);

    // That answer, given to the client: a config error naming the host and the server option, never a retry loop.
    HttpServer refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    refusing.createContext("/", exchange -> {
      byte[] page = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(403, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    refusing.start();
    try {
      String host = "127.0.0.1:" + refusing.getAddress().getPort();
      var e = assertThrows(LakeforgeException.class, () -> client("http://" + host).versionByAlias("m", "champion"));
      assertEquals(2, e.exitCode());
      assertEquals("Cannot use MLflow at http://" + host + ": the server refused the host name '" + host + "' (HTTP "
          + "403 Invalid Host header; MLflow 3 answers only the host names it was started with). Fix: start the "
          + "server with --allowed-hosts including " + host + " (scripts/mlflow-server.sh: MLFLOW_ALLOWED_HOSTS="
          + host + "), or set registry.tracking_uri to a name it allows.", e.getMessage());
    } finally {
      refusing.stop(0);
    }
  }

  @Test
  void onlyMlflowsOwnDoesNotExistAnswerMeansMissing() {
    assertTrue(MlflowClient.saysMissing(404, "{\"error_code\": \"RESOURCE_DOES_NOT_EXIST\", \"message\": \"Registered "
        + "Model with name=x not found\"}"));
    assertTrue(MlflowClient.saysMissing(400, "{\"error_code\": \"INVALID_PARAMETER_VALUE\", \"message\": "
        + "\"Registered model alias champion not found.\"}"));
    assertFalse(MlflowClient.saysMissing(404, "<html><title>404 Not Found</title></html>"), "a proxy's page");
    assertFalse(MlflowClient.saysMissing(404, ""), "an empty 404");
    assertFalse(MlflowClient.saysMissing(400, "{\"error_code\": \"INVALID_PARAMETER_VALUE\", \"message\": "
        + "\"Missing value for required parameter 'name'\"}"), "a bad request is not 'missing'");
    assertFalse(MlflowClient.saysMissing(503, "{\"error_code\": \"RESOURCE_DOES_NOT_EXIST\"}"));
  }

  @Test
  void unreachableServerIsRetriedThenExit5() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    var client = new MlflowClient(new RegistryConfig("http://127.0.0.1:" + port, "e", "m", null, 3, 10L), Map.of());
    long start = System.nanoTime();
    var e = assertThrows(LakeforgeException.class, () -> client.experimentId("e"));
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(ErrorKind.SERVICE_UNAVAILABLE, e.kind());
    assertEquals(5, e.exitCode());
    assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
    assertTrue(e.getMessage().contains("scripts/mlflow-server.sh"), e.getMessage());
    assertTrue(waitedMs >= 30, "backoff 10 ms then 20 ms, waited " + waitedMs);
  }

  @Test
  void credentialsComeFromTheEnvironment() {
    assertEquals("Bearer t0k", MlflowClient.authorization(Map.of("MLFLOW_TRACKING_TOKEN", "t0k")).orElseThrow());
    assertEquals("Basic dTpw", MlflowClient.authorization(
        Map.of("MLFLOW_TRACKING_USERNAME", "u", "MLFLOW_TRACKING_PASSWORD", "p")).orElseThrow());
    assertTrue(MlflowClient.authorization(Map.of()).isEmpty());
  }

  @Test
  void nonHttpTrackingUriIsAConfigError() {
    var e = assertThrows(LakeforgeException.class,
        () -> new MlflowClient(new RegistryConfig("databricks", "e", "m", null, null, null), Map.of()));
    assertEquals(2, e.exitCode());
  }
}
