package dev.lakeforge.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on the local file system, by plain path and by file: URI, and relative paths. */
class StorageTest extends StorageContract {
  @TempDir
  Path dir;

  final Storage storage = Storage.local();

  @Override
  Storage storage() {
    return storage;
  }

  @Override
  String base() {
    return dir.toString();
  }

  @Test
  void aFileUriAndAPlainPathAreTheSameFiles() throws Exception {
    storage.commit("file:" + dir.resolve("m.json"), bytes("{}"));
    assertEquals("{}", Files.readString(dir.resolve("m.json")));
    assertEquals(dir.resolve("m.json").toString(), storage.qualify("file:" + dir.resolve("m.json")),
        "a local path is recorded as the plain absolute path, as before");
    assertTrue(storage.atomicRename(dir.toString()));
  }

  @Test
  void aRelativePathIsUnderTheWorkingDirectory() {
    String cwd = Path.of("").toAbsolutePath().toString();
    assertEquals(cwd + "/data/state", storage.qualify("data/state"));
    assertFalse(storage.qualify("data/state").contains(":"));
  }
}
