package dev.lakeforge.core.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry cache serves a copy only for the very version it was downloaded from, with its files unchanged. */
class RegistryCacheTest {
  @TempDir
  Path root;

  final List<String> downloads = new ArrayList<>();

  /** A "download" that writes the given booster text and counts itself. */
  Consumer<Path> writing(String booster) {
    return dir -> {
      downloads.add(booster);
      try {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.json"), booster);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  static RegistryCache.Source source(String server, String runId) {
    return new RegistryCache.Source(server, "flights_delay", "1", runId, List.of("lakeforge"));
  }

  @Test
  void aCopyIsReusedOnlyForTheSameServerModelVersionAndRun() throws Exception {
    Path a = RegistryCache.fetch(root, source("http://127.0.0.1:5000", "run-a"), writing("model A"));
    assertEquals(a, RegistryCache.fetch(root, source("http://127.0.0.1:5000", "run-a"), writing("never")));
    assertEquals(List.of("model A"), downloads, "downloaded once");
    assertTrue(a.getFileName().toString().startsWith("flights_delay-v1-"), a.toString());

    // Another server's v1 of the same name, and the same server's v1 after the model was deleted and re-created.
    Path b = RegistryCache.fetch(root, source("http://127.0.0.1:5001/mlflow", "run-b"), writing("model B"));
    Path recreated = RegistryCache.fetch(root, source("http://127.0.0.1:5000", "run-c"), writing("model C"));
    assertEquals(List.of("model A", "model B", "model C"), downloads);
    assertEquals("model A", Files.readString(a.resolve("model.json")));
    assertEquals("model B", Files.readString(b.resolve("model.json")));
    assertEquals("model C", Files.readString(recreated.resolve("model.json")));
    assertEquals(3, List.of(a, b, recreated).stream().distinct().count());
  }

  @Test
  void aChangedOrUnstampedCopyIsDownloadedAgain() throws Exception {
    RegistryCache.Source source = source("http://127.0.0.1:5000", "run-a");
    Path dir = RegistryCache.fetch(root, source, writing("model A"));
    Files.writeString(dir.resolve("model.json"), "model Z");
    assertFalse(RegistryCache.verified(dir, source), "a file differs from its stamp");
    assertEquals(dir, RegistryCache.fetch(root, source, writing("model A")));
    assertEquals("model A", Files.readString(dir.resolve("model.json")));
    assertEquals(List.of("model A", "model A"), downloads);

    // A copy stamped for another source under this source's name (say, copied over by hand) is not used either.
    Path other = RegistryCache.fetch(root, source("http://127.0.0.1:5001", "run-b"), writing("model B"));
    Files.copy(other.resolve(RegistryCache.STAMP), dir.resolve(RegistryCache.STAMP),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertFalse(RegistryCache.verified(dir, source));
    Files.delete(dir.resolve(RegistryCache.STAMP));
    assertFalse(RegistryCache.verified(dir, source), "no stamp, as in a cache of an older Lakeforge");
    assertNotEquals(other, dir);
  }

  @Test
  void aFailedDownloadLeavesNothingBehind() throws Exception {
    RegistryCache.Source source = source("http://127.0.0.1:5000", "run-a");
    assertThrows(IllegalStateException.class, () -> RegistryCache.fetch(root, source, dir -> {
      writing("half").accept(dir);
      throw new IllegalStateException("connection lost");
    }));
    try (var left = Files.list(root)) {
      assertEquals(List.of(), left.toList());
    }
  }
}
