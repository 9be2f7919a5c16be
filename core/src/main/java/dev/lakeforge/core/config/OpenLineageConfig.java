package dev.lakeforge.core.config;

import java.util.Set;

/**
 * OpenLineage run events (START, COMPLETE, FAIL) of every stage, sent with the openlineage-java client. A
 * transport that fails (the endpoint is down) never fails a stage: a warning, and the event in the log file.
 *
 * @param transport  {@code http} (Marquez or any OpenLineage API), {@code file} (one JSON event per line),
 *                   {@code console} (the log), or {@code off}
 * @param url        http: the server, e.g. http://localhost:5000 (Marquez); file: the file to append to
 * @param endpoint   http: the path events are posted to (default {@code api/v1/lineage}, Marquez's)
 * @param namespace  the jobs' namespace (default {@code lakeforge}); jobs are named {@code <pipeline>.<stage>}
 * @param timeoutMs  http: how long one event may take before it is given up (default 5000)
 * @param apiKey     http: sent as {@code Authorization: Bearer <key>}; give it as ${env:NAME} (redacted)
 */
public record OpenLineageConfig(String transport, String url, String endpoint, String namespace, Integer timeoutMs,
    String apiKey) {
  private static final Set<String> TRANSPORTS = Set.of("http", "file", "console", "off");

  public OpenLineageConfig {
    Require.present(transport, "transport");
    Require.oneOf(transport, "transport", TRANSPORTS);
    if (transport.equals("http") || transport.equals("file")) {
      Require.present(url, "url");
    }
    if (transport.equals("http") && !url.matches("(?i)https?://.+")) {
      throw new IllegalArgumentException("key 'url' is '" + url
          + "' but the http transport needs an http:// or https:// URL, e.g. http://localhost:5000");
    }
    endpoint = Require.orDefault(endpoint, "api/v1/lineage");
    namespace = Require.orDefault(namespace, "lakeforge");
    Require.present(namespace, "namespace");
    timeoutMs = Require.orDefault(timeoutMs, 5000);
    if (timeoutMs < 1) {
      throw new IllegalArgumentException("key 'timeout_ms' must be at least 1");
    }
  }
}
