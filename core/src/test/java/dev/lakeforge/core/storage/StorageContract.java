package dev.lakeforge.core.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.mlflow.RegistryCache;
import dev.lakeforge.core.run.RunManifests;
import dev.lakeforge.core.run.StageResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What every store must do the same way; run on file: ({@link StorageTest}) and s3a:// ({@link S3StorageIT}). */
abstract class StorageContract {
  /** The storage under test. */
  abstract Storage storage();

  /** A fresh, empty directory on the store under test (not created yet on object stores). */
  abstract String base();

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesReadsListsAndDeletes() {
    Storage s = storage();
    String dir = s.resolve(base(), "a");
    assertFalse(s.exists(dir));
    assertEquals(List.of(), s.list(dir), "a missing directory lists as empty");
    assertEquals(List.of(), s.files(dir));

    s.writeString(s.resolve(dir, "one.json"), "1");
    s.write(s.resolve(dir, "sub", "two.bin"), new byte[] {0, 1, 2});
    assertTrue(s.exists(dir));
    assertTrue(s.isDirectory(dir));
    assertTrue(s.isFile(s.resolve(dir, "one.json")));
    assertFalse(s.isFile(dir));
    assertFalse(s.isDirectory(s.resolve(dir, "one.json")));
    assertEquals("1", s.readString(s.resolve(dir, "one.json")));
    assertArrayEquals(new byte[] {0, 1, 2}, s.read(s.resolve(dir, "sub/two.bin")));
    assertEquals(List.of("one.json", "sub"), s.list(dir));
    assertEquals(List.of("one.json", "sub/two.bin"), s.files(dir), "no side files (.crc) beside ours");

    s.delete(s.resolve(dir, "sub"));
    assertEquals(List.of("one.json"), s.files(dir));
    s.delete(dir);
    assertFalse(s.exists(dir));
    s.delete(dir); // deleting what is not there is not an error
  }

  @Test
  void commitReplacesWholeAndLeavesNoTemporaryFile() {
    Storage s = storage();
    String file = s.resolve(base(), "state", "train.json");
    s.commit(file, bytes("{\"v\": 1}"));
    s.commit(file, bytes("{\"v\": 2}"));
    assertEquals("{\"v\": 2}", s.readString(file));
    assertEquals(List.of("train.json"), s.files(s.resolve(base(), "state")));
  }

  @Test
  void renameMovesADirectory() {
    Storage s = storage();
    String from = s.resolve(base(), "partial");
    s.writeString(s.resolve(from, "x", "f.txt"), "x");
    String to = s.resolve(base(), "final");
    s.rename(from, to);
    assertFalse(s.exists(from));
    assertEquals("x", s.readString(s.resolve(to, "x/f.txt")));
  }

  @Test
  void aMissingFileIsAnInputErrorNamingThePath() {
    String missing = storage().resolve(base(), "nope.json");
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> storage().read(missing));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().startsWith("Cannot read " + missing + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
  }

  @Test
  void manifestsRoundTrip() {
    RunManifests manifests = new RunManifests(storage(), storage().resolve(base(), "state"), "toy", "2026-11-01");
    assertTrue(manifests.find("train").isEmpty());
    StageResult result = new StageResult("train", "run-1", "2026-11-01", "hash", "rev", List.of(), List.of(),
        Map.of("rows", 3.0), Map.of("model_dir", "somewhere"), 5, "2026-11-01T10:00:00.5Z");
    String saved = manifests.save(result);
    assertEquals(storage().resolve(manifests.dir(), "train.json"), saved);
    assertEquals("somewhere", manifests.require("train", "model").output("model_dir"));
    assertEquals(java.time.Instant.parse("2026-11-01T10:00:00.500Z"), manifests.require("train", "model").finished());
    assertEquals(List.of("train.json"), storage().files(manifests.dir()));
  }

  @Test
  void theRegistryCacheDownloadsOnceAndAgainWhenAFileChanged() {
    Storage s = storage();
    List<String> downloads = new ArrayList<>();
    Consumer<String> writing = dir -> {
      downloads.add(dir);
      s.writeString(s.resolve(dir, "model.json"), "booster");
      s.writeString(s.resolve(dir, "spark", "metadata", "part-00000"), "{}");
    };
    RegistryCache.Source source = new RegistryCache.Source("http://127.0.0.1:5000", "toy", "1", "run-a",
        List.of("lakeforge"));
    String root = s.resolve(base(), "registry");
    String copy = RegistryCache.fetch(s, root, source, writing);
    assertEquals(copy, RegistryCache.fetch(s, root, source, writing));
    assertEquals(1, downloads.size(), "downloaded once");
    assertTrue(RegistryCache.verified(s, copy, source));
    assertEquals(List.of(RegistryCache.STAMP, "model.json", "spark/metadata/part-00000"), s.files(copy),
        "no partial copy left behind");

    s.writeString(s.resolve(copy, "model.json"), "tampered");
    assertFalse(RegistryCache.verified(s, copy, source));
    assertEquals(copy, RegistryCache.fetch(s, root, source, writing));
    assertEquals(2, downloads.size(), "a changed file is downloaded again");
    assertEquals("booster", s.readString(s.resolve(copy, "model.json")));
    assertNotEquals(RegistryCache.digest(s, copy, List.of("model.json")),
        RegistryCache.digest(s, copy, List.of("spark")));
    assertEquals(1, s.list(root).size(), s.list(root).toString());
  }
}
