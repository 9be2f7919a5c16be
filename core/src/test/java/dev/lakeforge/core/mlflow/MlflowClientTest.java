package dev.lakeforge.core.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.config.RegistryConfig;
import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.LakeforgeException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MlflowClientTest {
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
