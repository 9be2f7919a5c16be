package dev.lakeforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.sun.net.httpserver.HttpServer;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Stages reach MLflow through one store built from their run context, with the command line's credentials. */
class ModelStoreTest {
  @Test
  void theRunsEnvironmentIsWhereTheRegistryCredentialsComeFrom() throws Exception {
    List<String> authorizations = new CopyOnWriteArrayList<>();
    HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    registry.createContext("/", exchange -> {
      authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      // MLflow's answer for an alias that is not set.
      byte[] body = ("{\"error_code\": \"INVALID_PARAMETER_VALUE\", "
          + "\"message\": \"Registered model alias champion not found.\"}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(400, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    registry.start();
    try {
      String uri = "http://127.0.0.1:" + registry.getAddress().getPort();
      RunContext ctx = SharedSpark.context(ToyPipeline.binary().registry(uri, "toy_model").yaml(), "2020-01-22",
          Map.of("MLFLOW_TRACKING_TOKEN", "lf-test-token"));
      ModelStore models = ModelStore.of(ctx);
      assertFalse(models.byAlias("toy_model", "champion").isPresent(), "no champion yet");
      assertEquals(List.of("Bearer lf-test-token"), authorizations);
      assertSame(models.registry(), models.registry(), "one client per store");
      assertFalse(ctx.toString().contains("lf-test-token"), ctx.toString());
    } finally {
      registry.stop(0);
    }
  }
}
