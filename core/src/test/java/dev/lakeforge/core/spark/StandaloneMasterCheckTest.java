package dev.lakeforge.core.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A standalone master that does not answer ends the command at once with exit 5, before Spark's minute of retries. */
class StandaloneMasterCheckTest {
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aMasterNobodyListensOnIsExit5NamingTheUrl() throws Exception {
    String master = "spark://127.0.0.1:" + closedPort();
    long start = System.nanoTime();
    var e = assertThrows(LakeforgeException.class,
        () -> SparkSessions.start("t", new SparkProfile(master, Map.of())));
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "it did not wait for Spark's retries");
    assertEquals(5, e.exitCode());
    assertTrue(e.getMessage().startsWith("Cannot start the Spark application: no standalone master answers at "
        + master + " (127.0.0.1:"), e.getMessage());
    assertTrue(e.getMessage().contains("Fix: start the master"), e.getMessage());
  }

  @Test
  void oneAnsweringMasterOfSeveralIsEnoughAndOtherMastersAreNotProbed() throws Exception {
    try (ServerSocket listening = new ServerSocket(0)) {
      SparkSessions.requireReachableMaster("spark://127.0.0.1:" + closedPort() + ",127.0.0.1:"
          + listening.getLocalPort(), Duration.ofSeconds(2));
    }
    SparkSessions.requireReachableMaster("spark://127.0.0.1:notaport", Duration.ofSeconds(2)); // Spark's to refuse
    SparkSessions.requireReachableMaster("local[2]", Duration.ofSeconds(2));
    SparkSessions.requireReachableMaster("yarn", Duration.ofSeconds(2));
    SparkSessions.requireReachableMaster("k8s://https://127.0.0.1:1", Duration.ofSeconds(2));
  }
}
