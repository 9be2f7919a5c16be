package dev.lakeforge.core.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakeforge.core.config.RegistryConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.storage.Storage;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow's REST API in plain Java: tracking, the model registry with aliases, and artifacts through the tracking
 * server's proxied artifact API ({@code mlflow server --serve-artifacts}), so no Python runs on the driver.
 * Connection errors, 429 and 5xx are retried with exponential backoff; after the last attempt the call fails with
 * exit code 5. Credentials come only from the environment and are never logged.
 */
public final class MlflowClient {
  private static final Logger LOG = LoggerFactory.getLogger(MlflowClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "/api/2.0/mlflow/";
  private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";

  private final URI base;
  private final HttpClient http;
  private final Optional<String> authorization;
  private final int maxAttempts;
  private final long initialBackoffMs;

  public MlflowClient(RegistryConfig config, Map<String, String> env) {
    this.base = baseUri(config.trackingUri());
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.authorization = authorization(env);
    this.maxAttempts = config.maxAttempts();
    this.initialBackoffMs = config.initialBackoffMs();
  }

  /**
   * The server's root as given, path prefix included ({@code http://host/mlflow} behind a proxy), without trailing
   * slashes: every call is appended to it, never resolved against it, since {@code resolve("/api/...")} would drop
   * the prefix.
   */
  static URI baseUri(String trackingUri) {
    String uri = trackingUri.strip().replaceAll("/+$", "");
    if (!uri.startsWith("http://") && !uri.startsWith("https://")) {
      throw Errors.configInvalid("registry.tracking_uri", "'" + uri + "' is not an http(s) URL of an MLflow server");
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (java.net.URISyntaxException e) {
      throw Errors.configInvalid("registry.tracking_uri", "'" + uri + "' is not a URL (" + e.getReason() + ")");
    }
    if (parsed.getHost() == null || parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
      throw Errors.configInvalid("registry.tracking_uri", "'" + uri + "' must be http(s)://host[:port][/path prefix] "
          + "without a query or fragment");
    }
    return parsed;
  }

  /** The URL of an API call: the base, its path prefix kept, then {@code pathAndQuery} (which starts with /). */
  URI url(String pathAndQuery) {
    return URI.create(base + pathAndQuery);
  }

  static Optional<String> authorization(Map<String, String> env) {
    String token = env.get("MLFLOW_TRACKING_TOKEN");
    if (token != null && !token.isBlank()) {
      return Optional.of("Bearer " + token);
    }
    String user = env.get("MLFLOW_TRACKING_USERNAME");
    String password = env.get("MLFLOW_TRACKING_PASSWORD");
    if (user != null && password != null) {
      return Optional.of("Basic " + Base64.getEncoder()
          .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return Optional.empty();
  }

  public URI base() {
    return base;
  }

  // ---- experiments and runs ----

  public String experimentId(String name) {
    Optional<JsonNode> found = getUnlessMissing(API + "experiments/get-by-name?experiment_name=" + encode(name));
    if (found.isPresent()) {
      return found.get().path("experiment").path("experiment_id").asText();
    }
    return post("experiments/create", JSON.createObjectNode().put("name", name)).path("experiment_id").asText();
  }

  /** The first run in the experiment whose tag {@code key} equals {@code value}. */
  public Optional<JsonNode> findRunByTag(String experimentId, String key, String value) {
    List<JsonNode> runs = runsByTag(experimentId, key, value, 1);
    return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
  }

  /** Runs in the experiment whose tag {@code key} equals {@code value}, at most {@code max}. */
  public List<JsonNode> runsByTag(String experimentId, String key, String value, int max) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("experiment_ids").add(experimentId);
    body.put("filter", "tags.`" + key + "` = '" + value.replace("'", "\\'") + "'");
    body.put("max_results", max);
    List<JsonNode> out = new ArrayList<>();
    post("runs/search", body).path("runs").forEach(out::add);
    return out;
  }

  public JsonNode createRun(String experimentId, String runName, Map<String, String> tags) {
    ObjectNode body = JSON.createObjectNode().put("experiment_id", experimentId).put("run_name", runName)
        .put("start_time", System.currentTimeMillis());
    ArrayNode tagArray = body.putArray("tags");
    tags.forEach((k, v) -> tagArray.addObject().put("key", k).put("value", v));
    return post("runs/create", body).path("run");
  }

  /** Logs params, metrics and tags in batches within MLflow's per-request limits. */
  public void logBatch(String runId, Map<String, String> params, Map<String, Double> metrics, Map<String, String> tags) {
    long now = System.currentTimeMillis();
    List<Map.Entry<String, String>> paramList = new ArrayList<>(params.entrySet());
    for (int i = 0; i < paramList.size(); i += 100) {
      ObjectNode body = JSON.createObjectNode().put("run_id", runId);
      ArrayNode array = body.putArray("params");
      paramList.subList(i, Math.min(i + 100, paramList.size())).forEach(e -> array.addObject()
          .put("key", truncate(e.getKey(), 250)).put("value", truncate(e.getValue(), 6000)));
      post("runs/log-batch", body);
    }
    ObjectNode body = JSON.createObjectNode().put("run_id", runId);
    ArrayNode metricArray = body.putArray("metrics");
    metrics.forEach((k, v) -> {
      if (Double.isFinite(v)) {
        metricArray.addObject().put("key", k).put("value", v).put("timestamp", now).put("step", 0);
      }
    });
    ArrayNode tagArray = body.putArray("tags");
    tags.forEach((k, v) -> tagArray.addObject().put("key", k).put("value", truncate(v, 5000)));
    post("runs/log-batch", body);
  }

  /**
   * Logs per-round curves as step metrics (step = round, from 0), so the MLflow UI draws them; at most 1000
   * metrics per request, as MLflow allows. Non-finite values are skipped.
   */
  public void logCurves(String runId, Map<String, List<Double>> curves) {
    long now = System.currentTimeMillis();
    List<ObjectNode> points = new ArrayList<>();
    curves.forEach((name, values) -> {
      for (int step = 0; step < values.size(); step++) {
        Double v = values.get(step);
        if (v != null && Double.isFinite(v)) {
          points.add(JSON.createObjectNode().put("key", name).put("value", v).put("timestamp", now)
              .put("step", step));
        }
      }
    });
    for (int i = 0; i < points.size(); i += 1000) {
      ObjectNode body = JSON.createObjectNode().put("run_id", runId);
      body.putArray("metrics").addAll(points.subList(i, Math.min(i + 1000, points.size())));
      post("runs/log-batch", body);
    }
  }

  public void finishRun(String runId) {
    finishRun(runId, "FINISHED");
  }

  /** @param status FINISHED, FAILED or KILLED */
  public void finishRun(String runId, String status) {
    post("runs/update", JSON.createObjectNode().put("run_id", runId).put("status", status)
        .put("end_time", System.currentTimeMillis()));
  }

  /** Moves a run to MLflow's trash (lifecycle stage deleted): searches no longer find it, the UI can restore it. */
  public void deleteRun(String runId) {
    post("runs/delete", JSON.createObjectNode().put("run_id", runId));
  }

  // ---- artifacts (proxied through the tracking server) ----

  /**
   * Uploads every file under {@code dir} to {@code <artifact root>/<artifactPath>/...} (a run's or a logged model's
   * root; an empty {@code artifactPath} is the root itself).
   */
  public void uploadDirectory(String artifactUri, String artifactPath, Path dir) {
    try (var files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String relative = dir.relativize(file).toString().replace('\\', '/');
        uploadFile(artifactUri, artifactPath.isEmpty() ? relative : artifactPath + "/" + relative, file);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot list " + dir, e);
    }
  }

  /** As {@link #uploadDirectory(String, String, Path)}, for a directory on any Hadoop path. */
  public void uploadDirectory(String artifactUri, String artifactPath, Storage storage, String dir) {
    for (String relative : storage.files(dir)) {
      uploadBytes(artifactUri, artifactPath.isEmpty() ? relative : artifactPath + "/" + relative,
          storage.read(storage.resolve(dir, relative)));
    }
  }

  public void uploadFile(String artifactUri, String artifactPath, Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot read " + file, e);
    }
    uploadBytes(artifactUri, artifactPath, bytes);
  }

  /** Uploads {@code bytes} as the artifact {@code <artifact root>/<artifactPath>}. */
  public void uploadBytes(String artifactUri, String artifactPath, byte[] bytes) {
    String path = ARTIFACTS + "/" + proxiedRoot(artifactUri) + "/" + encodePath(artifactPath);
    send("PUT " + artifactPath, () -> HttpRequest.newBuilder(url(path))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).header("Content-Type", "application/octet-stream"));
  }

  /** Downloads {@code <run artifact root>/<artifactPath>} (a directory) into {@code target}. */
  public void downloadDirectory(String artifactUri, String artifactPath, Path target) {
    try {
      Files.createDirectories(target);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot write download to " + target, e);
    }
    download(artifactUri, artifactPath, "", (relative, bytes) -> {
      try {
        Path file = target.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("Cannot write download to " + target, e);
      }
    });
  }

  /** As {@link #downloadDirectory(String, String, Path)}, into a directory on any Hadoop path. */
  public void downloadDirectory(String artifactUri, String artifactPath, Storage storage, String target) {
    download(artifactUri, artifactPath, "", (relative, bytes) -> storage.write(storage.resolve(target, relative),
        bytes));
  }

  /** Hands every file under {@code artifactPath} to {@code sink} by its path relative to the first directory. */
  private void download(String artifactUri, String artifactPath, String prefix,
      java.util.function.BiConsumer<String, byte[]> sink) {
    String root = proxiedRoot(artifactUri);
    JsonNode listing = send("list " + artifactPath, () -> HttpRequest.newBuilder(
        url(ARTIFACTS + "?path=" + encode(root + "/" + artifactPath))).GET());
    for (JsonNode f : listing.path("files")) {
      String name = f.path("path").asText();
      String child = artifactPath + "/" + name;
      if (f.path("is_dir").asBoolean()) {
        download(artifactUri, child, prefix + name + "/", sink);
      } else {
        byte[] bytes = sendBytes("GET " + child, () -> HttpRequest.newBuilder(
            url(ARTIFACTS + "/" + root + "/" + encodePath(child))).GET());
        sink.accept(prefix + name, bytes);
      }
    }
  }

  private static String proxiedRoot(String artifactUri) {
    if (!artifactUri.startsWith("mlflow-artifacts:")) {
      throw Errors.configInvalid("registry.tracking_uri", "the server gives runs the artifact location '"
          + artifactUri + "', which Lakeforge cannot upload to without Python. Fix: start mlflow server with "
          + "--serve-artifacts (scripts/mlflow-server.sh does)");
    }
    String path = URI.create(artifactUri).getPath();
    return path.startsWith("/") ? path.substring(1) : path;
  }

  // ---- registry ----

  public void ensureRegisteredModel(String name, String description) {
    if (getUnlessMissing(API + "registered-models/get?name=" + encode(name)).isEmpty()) {
      post("registered-models/create", JSON.createObjectNode().put("name", name).put("description", description));
    }
  }

  public Optional<JsonNode> findVersionOfRun(String name, String runId) {
    JsonNode found = get(API + "model-versions/search?filter=" + encode("run_id='" + runId + "'"));
    for (JsonNode v : found.path("model_versions")) {
      if (v.path("name").asText().equals(name)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  public JsonNode createModelVersion(String name, String source, String runId, String description,
      Map<String, String> tags) {
    ObjectNode body = JSON.createObjectNode().put("name", name).put("source", source).put("run_id", runId)
        .put("description", description);
    ArrayNode tagArray = body.putArray("tags");
    tags.forEach((k, v) -> tagArray.addObject().put("key", k).put("value", v));
    return post("model-versions/create", body).path("model_version");
  }

  /**
   * Registers a logged model (MLflow 3) as a version: its source is {@code models:/<model_id>}, which MLflow 3
   * clients load from the logged model's artifacts.
   */
  public JsonNode createLoggedModelVersion(String name, String modelId, String runId, String description,
      Map<String, String> tags) {
    ObjectNode body = JSON.createObjectNode().put("name", name).put("source", "models:/" + modelId)
        .put("run_id", runId).put("model_id", modelId).put("description", description);
    ArrayNode tagArray = body.putArray("tags");
    tags.forEach((k, v) -> tagArray.addObject().put("key", k).put("value", v));
    return post("model-versions/create", body).path("model_version");
  }

  // ---- logged models (MLflow 3) ----

  /**
   * The server's MLflow version as its {@code /version} answers ("3.17.2"); empty when it does not answer one
   * (a proxy in front that does not route it, a server too old to have it).
   */
  public Optional<String> serverVersion() {
    HttpResponse<byte[]> response = exchange("GET /version", () -> HttpRequest.newBuilder(url("/version")).GET());
    String text = new String(response.body(), StandardCharsets.UTF_8).strip();
    return response.statusCode() == 200 && text.matches("\\d+\\.\\d+.*") ? Optional.of(text) : Optional.empty();
  }

  /** Whether a server of this version ({@link #serverVersion()}) has MLflow 3's logged-model entity. */
  public static boolean hasLoggedModels(String serverVersion) {
    return Integer.parseInt(serverVersion.substring(0, serverVersion.indexOf('.'))) >= 3;
  }

  /**
   * Creates a logged model in PENDING state, produced by {@code sourceRunId}, with params and tags.
   *
   * @return MLflow's {@code model} object: {@code info.model_id}, {@code info.artifact_uri}, ...
   */
  public JsonNode createLoggedModel(String experimentId, String name, String sourceRunId, Map<String, String> params,
      Map<String, String> tags) {
    ObjectNode body = JSON.createObjectNode().put("experiment_id", experimentId).put("name", name)
        .put("source_run_id", sourceRunId);
    ArrayNode paramArray = body.putArray("params");
    params.forEach((k, v) -> paramArray.addObject().put("key", truncate(k, 250)).put("value", truncate(v, 6000)));
    ArrayNode tagArray = body.putArray("tags");
    tags.forEach((k, v) -> tagArray.addObject().put("key", k).put("value", truncate(v, 5000)));
    return post("logged-models", body).path("model");
  }

  /**
   * Links a logged model to the run that produced it and logs the run's metrics on it (step 0), so the model's page
   * in the MLflow UI shows them.
   */
  public void logModelOutput(String runId, String modelId, Map<String, Double> metrics) {
    ObjectNode outputs = JSON.createObjectNode().put("run_id", runId);
    outputs.putArray("models").addObject().put("model_id", modelId).put("step", 0);
    post("runs/outputs", outputs);
    long now = System.currentTimeMillis();
    ObjectNode body = JSON.createObjectNode().put("run_id", runId);
    ArrayNode metricArray = body.putArray("metrics");
    metrics.forEach((k, v) -> {
      if (Double.isFinite(v)) {
        metricArray.addObject().put("key", k).put("value", v).put("timestamp", now).put("step", 0)
            .put("model_id", modelId);
      }
    });
    post("runs/log-batch", body);
  }

  /** A logged model: {@code info} (model_id, status, artifact_uri, ...) and {@code data} (params, metrics). */
  public JsonNode loggedModel(String modelId) {
    return get(API + "logged-models/" + encode(modelId)).path("model");
  }

  /** Marks a logged model READY once its artifacts are uploaded. */
  public JsonNode finalizeLoggedModel(String modelId) {
    ObjectNode body = JSON.createObjectNode().put("model_id", modelId).put("status", "LOGGED_MODEL_READY");
    return send("PATCH logged-models", () -> HttpRequest.newBuilder(url(API + "logged-models/" + encode(modelId)))
        .header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString()))).path("model");
  }

  public void setAlias(String name, String alias, String version) {
    post("registered-models/alias", JSON.createObjectNode().put("name", name).put("alias", alias)
        .put("version", version));
  }

  /** The version an alias points to; empty when the model or the alias does not exist. */
  public Optional<JsonNode> versionByAlias(String name, String alias) {
    return getUnlessMissing(API + "registered-models/alias?name=" + encode(name) + "&alias=" + encode(alias))
        .map(n -> n.path("model_version"));
  }

  /** One version of a registered model; empty when the model or the version does not exist. */
  public Optional<JsonNode> modelVersion(String name, String version) {
    return getUnlessMissing(API + "model-versions/get?name=" + encode(name) + "&version=" + encode(version))
        .map(n -> n.path("model_version"));
  }

  /** MLflow reads a DELETE's parameters from a JSON body, as for POST. */
  public void deleteAlias(String name, String alias) {
    String body = JSON.createObjectNode().put("name", name).put("alias", alias).toString();
    send("DELETE registered-models/alias", () -> HttpRequest.newBuilder(url(API + "registered-models/alias"))
        .method("DELETE", HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"));
  }

  /**
   * A GET whose "does not exist" answer is empty. Only MLflow's own answer counts: RESOURCE_DOES_NOT_EXIST (404) for
   * a model, version, run or experiment, INVALID_PARAMETER_VALUE "... alias ... not found" (400) for an alias. Any
   * other failure (a 404 page of a proxy or of a wrong path, 5xx, no connection) is an error, never "missing":
   * a gate must not pass because the registry could not be read.
   */
  private Optional<JsonNode> getUnlessMissing(String call) {
    HttpResponse<byte[]> response = exchange("GET " + call, () -> HttpRequest.newBuilder(url(call)).GET());
    if (saysMissing(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8))) {
      return Optional.empty();
    }
    return Optional.of(parse("GET " + call, response));
  }

  /** Whether an answer is MLflow's own "no such model, version, run, experiment or alias". */
  static boolean saysMissing(int status, String body) {
    JsonNode error = mlflowError(body);
    if (error == null) {
      return false;
    }
    String code = error.path("error_code").asText();
    String message = error.path("message").asText();
    return (status == 404 && code.equals("RESOURCE_DOES_NOT_EXIST"))
        || (status == 400 && code.equals("INVALID_PARAMETER_VALUE") && message.contains("alias")
            && message.contains("not found"));
  }

  /**
   * Whether an answer is MLflow 3's refusal of the request's Host header (its DNS-rebinding guard: the server only
   * answers host names given in {@code --allowed-hosts}).
   */
  static boolean refusesHost(int status, String body) {
    return status == 403 && body.startsWith("Invalid Host header");
  }

  /** MLflow's error answer ({@code {"error_code": ..., "message": ...}}), or null when the body is not one. */
  private static JsonNode mlflowError(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node != null && node.hasNonNull("error_code") ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  public JsonNode getRun(String runId) {
    return get(API + "runs/get?run_id=" + encode(runId)).path("run");
  }

  // ---- transport ----

  private JsonNode post(String method, ObjectNode body) {
    return send("POST " + method, () -> HttpRequest.newBuilder(url(API + method))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  private JsonNode get(String pathAndQuery) {
    return send("GET " + pathAndQuery, () -> HttpRequest.newBuilder(url(pathAndQuery)).GET());
  }

  private JsonNode send(String call, java.util.function.Supplier<HttpRequest.Builder> request) {
    return parse(call, exchange(call, request));
  }

  private byte[] sendBytes(String call, java.util.function.Supplier<HttpRequest.Builder> request) {
    HttpResponse<byte[]> response = exchange(call, request);
    if (response.statusCode() / 100 != 2) {
      parse(call, response);
    }
    return response.body();
  }

  private JsonNode parse(String call, HttpResponse<byte[]> response) {
    String text = new String(response.body(), StandardCharsets.UTF_8);
    String what = call.replaceAll("\\?.*", "");
    int status = response.statusCode();
    JsonNode error = mlflowError(text);
    if (status / 100 != 2 && error != null) {
      throw Errors.serviceRejected("MLflow at " + base, what,
          error.path("error_code").asText() + ": " + error.path("message").asText());
    }
    String url = response.uri().toString().replaceAll("\\?.*", "");
    if (refusesHost(status, text)) {
      throw Errors.mlflowHostNotAllowed(base.toString(), base.getAuthority());
    }
    if (status == 404 || status == 405) {
      // Not MLflow's JSON: a proxy's or web server's page, so the API is not at this address.
      throw Errors.serviceEndpointWrong("MLflow", base.toString(), url, "HTTP " + status + " " + summary(text));
    }
    if (status / 100 != 2) {
      throw Errors.serviceRejected("MLflow at " + base, what, "HTTP " + status + " " + summary(text));
    }
    try {
      return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    } catch (IOException e) {
      throw Errors.serviceEndpointWrong("MLflow", base.toString(), url, "HTTP " + status + " that is not JSON: "
          + summary(text));
    }
  }

  /** The first 200 characters of an answer on one line. */
  private static String summary(String text) {
    return truncate(text.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip(), 200);
  }

  /** One call with retries on connection failures, 429 and 5xx. */
  private HttpResponse<byte[]> exchange(String call, java.util.function.Supplier<HttpRequest.Builder> request) {
    long backoff = initialBackoffMs;
    String lastProblem = "";
    Exception lastError = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        HttpRequest.Builder builder = request.get().timeout(Duration.ofSeconds(120));
        authorization.ifPresent(a -> builder.header("Authorization", a));
        HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        if (status != 429 && status < 500) {
          return response;
        }
        lastProblem = "HTTP " + status;
      } catch (IOException e) {
        lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
        lastError = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Errors.serviceUnavailable("MLflow", base.toString(), "interrupted", attempt, "rerun the command", e);
      }
      if (attempt < maxAttempts) {
        LOG.warn("MLflow call {} failed ({}), retry {} of {} in {} ms", call.replaceAll("\\?.*", ""), lastProblem,
            attempt, maxAttempts - 1, backoff);
        sleep(backoff);
        backoff *= 2;
      }
    }
    throw Errors.serviceUnavailable("MLflow", base.toString(), lastProblem, maxAttempts,
        "start the server (scripts/mlflow-server.sh) or set registry.tracking_uri; what was trained stays on disk "
            + "and `lakeforge register` can be rerun", lastError);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String encodePath(String path) {
    String[] parts = path.split("/");
    List<String> encoded = new ArrayList<>();
    for (String p : parts) {
      encoded.add(encode(p));
    }
    return String.join("/", encoded);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
