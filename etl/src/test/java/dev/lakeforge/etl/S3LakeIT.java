package dev.lakeforge.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.testing.SharedSpark;
import io.delta.tables.DeltaTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The lake and a source on s3a://, against the S3-compatible server scripts/s3-server.sh runs as its own process. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3LakeIT {
  static final String BUCKET = require("LAKEFORGE_S3_BUCKET");
  static final Map<String, String> ENV = Map.of("S3_ENDPOINT", require("LAKEFORGE_S3_ENDPOINT"));

  static String pipeline(String base) {
    return EtlStagesTest.pipeline("1.0")
        .replace("lake: {root: \"${TMP}/lake\",", "lake: {s3: {endpoint: \"${env:S3_ENDPOINT}\"}, root: \"" + base
            + "/lake\",")
        .replace("path: \"${TMP}/trips.csv\"", "path: \"" + base + "/raw/trips.csv\"");
  }

  static void upload(RunContext ctx, String uri, String text) throws Exception {
    Path path = new Path(uri);
    FileSystem fs = path.getFileSystem(ctx.spark().sparkContext().hadoopConfiguration());
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  @Order(1)
  void theLakeRoundTripsThroughS3WithTimeTravel() throws Exception {
    String base = "s3a://" + BUCKET + "/" + UUID.randomUUID();
    RunContext ctx = SharedSpark.context(pipeline(base), "2026-11-01", ENV);
    upload(ctx, base + "/raw/trips.csv", EtlStagesTest.CSV);
    ctx.runStage(new IngestStage());
    ctx.runStage(new ValidateStage());
    List<Integer> kept = ctx.lake().read(TableRef.parse("silver.trips")).rows().orderBy("id")
        .collectAsList().stream().map(r -> r.<Integer>getAs("id")).toList();
    assertEquals(List.of(1, 2, 8), kept);
    assertTrue(ctx.lake().path(TableRef.parse("silver.trips")).startsWith("s3a://"));

    upload(ctx, base + "/raw/trips.csv", EtlStagesTest.CSV + "9,BOS,12\n10,NYC,13\n");
    ctx.runStage(new IngestStage());
    assertEquals(6, ctx.lake().read(TableRef.parse("bronze.trips@v0")).rows().count());
    assertEquals(8, ctx.lake().read(TableRef.parse("bronze.trips@v1")).rows().count());

    String history = DeltaTable.forPath(ctx.spark(), ctx.lake().path(TableRef.parse("bronze.trips"))).history()
        .toJSON().collectAsList().toString();
    assertTrue(history.contains("run_id") && history.contains("test-run"), "commit metadata carries the run id");
    assertFalse(history.contains(System.getenv("AWS_SECRET_ACCESS_KEY")), "no secret in Delta commit metadata");
    assertFalse(history.contains(System.getenv("AWS_ACCESS_KEY_ID")));
  }

  @Test
  @Order(2)
  void anUnreachableEndpointIsExit5() {
    // Another bucket name, so Hadoop's cached file system for the working endpoint is not reused.
    String base = "s3a://unreachable-" + UUID.randomUUID().toString().substring(0, 8) + "/x";
    RunContext ctx = SharedSpark.context(pipeline(base), "2026-11-01", Map.of("S3_ENDPOINT", "http://127.0.0.1:1"));
    var e = assertThrows(LakeforgeException.class, () -> ctx.runStage(new IngestStage()));
    assertEquals(5, e.exitCode(), e.getMessage());
    assertTrue(e.getMessage().startsWith("Cannot reach the S3 endpoint"), e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
    SharedSpark.context(pipeline("s3a://" + BUCKET + "/x"), "2026-11-01", ENV);
  }

  private static String require(String name) {
    String value = System.getenv(name);
    assertNotNull(value, name + " is not set: run through scripts/test.sh, which starts the S3 server");
    return value;
  }
}
