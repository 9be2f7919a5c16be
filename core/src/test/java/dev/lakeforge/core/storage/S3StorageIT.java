package dev.lakeforge.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The storage contract on s3a://, against the S3-compatible server (S3Proxy) scripts/s3-server.sh runs as its own
 * process; scripts/test.sh starts it and exports LAKEFORGE_S3_ENDPOINT, LAKEFORGE_S3_BUCKET and the AWS keys.
 */
class S3StorageIT extends StorageContract {
  static final String ENDPOINT = require("LAKEFORGE_S3_ENDPOINT");
  static final String BUCKET = require("LAKEFORGE_S3_BUCKET");

  final String base = "s3a://" + BUCKET + "/storage-it/" + UUID.randomUUID();
  final Storage storage = Storage.of(s3(ENDPOINT));

  /** The settings RunContext applies for lake.s3 (path-style, few attempts); credentials from the environment. */
  static Configuration s3(String endpoint) {
    Configuration conf = new Configuration();
    conf.set("fs.s3a.endpoint", endpoint);
    conf.set("fs.s3a.connection.ssl.enabled", "false");
    conf.set("fs.s3a.path.style.access", "true");
    conf.set("fs.s3a.endpoint.region", "us-east-1");
    conf.set("fs.s3a.attempts.maximum", "1");
    conf.set("fs.s3a.retry.limit", "1");
    conf.set("fs.s3a.connection.establish.timeout", "2000");
    conf.set("fs.s3a.directory.marker.retention", "keep");
    // A fresh file system per configuration, so the unreachable endpoint's settings do not leak into the cached one.
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    return conf;
  }

  @Override
  Storage storage() {
    return storage;
  }

  @Override
  String base() {
    return base;
  }

  @Test
  void pathsKeepTheirSchemeAndCommitIsOnePut() {
    assertEquals(base + "/x.json", storage.qualify(base + "/x.json"));
    assertFalse(storage.atomicRename(base), "S3 renames by copying");
    storage.commit(base + "/x.json", bytes("{}"));
    assertEquals(java.util.List.of("x.json"), storage.list(base), "no temporary object beside it");
  }

  @Test
  void anUnreachableEndpointIsExit5() {
    Storage down = Storage.of(s3("http://127.0.0.1:1"));
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> down.exists(base + "/x.json"));
    assertEquals(5, e.exitCode(), e.getMessage());
    assertTrue(e.getMessage().startsWith("Cannot reach the S3 endpoint"), e.getMessage());
  }

  private static String require(String name) {
    String value = System.getenv(name);
    assertNotNull(value, name + " is not set: run through scripts/test.sh, which starts the S3 server");
    return value;
  }
}
