package dev.lakeforge.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.testing.SharedSpark;
import dev.lakeforge.core.testing.ToyPipeline;
import io.delta.tables.DeltaTable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ingest from the real PostgreSQL that scripts/postgres-server.sh starts (env LAKEFORGE_PG_*). */
class PostgresIngestIT {
  static final Map<String, String> ENV = Map.of(
      "PG_URL", require("LAKEFORGE_PG_URL"),
      "PG_USER", require("LAKEFORGE_PG_USER"),
      "PG_PASSWORD", require("LAKEFORGE_PG_PASSWORD"));

  static String pipeline(String url, String extra) {
    return ToyPipeline.withSources("shop", """
        sources:
          orders:
            format: jdbc
            load: incremental
            jdbc:
              url: "%s"
              table: public.orders
              user: ${env:PG_USER}
              password: ${env:PG_PASSWORD}
              partition_column: id
              lower_bound: "1"
              upper_bound: "1000"
              partitions: 4
              watermark: updated_at
              %s
        training: {split: {column: id, validate_from: "5"}}
        """).formatted(url, extra);
  }

  @BeforeAll
  static void createOrders() throws Exception {
    try (Connection c = DriverManager.getConnection(ENV.get("PG_URL"), ENV.get("PG_USER"), ENV.get("PG_PASSWORD"));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS orders");
      s.execute("CREATE TABLE orders (id INT PRIMARY KEY, customer TEXT, amount NUMERIC(10,2), "
          + "updated_at TIMESTAMP NOT NULL)");
      s.execute("INSERT INTO orders SELECT g, 'c' || (g % 17), g * 1.5, TIMESTAMP '2026-11-01 00:00:00' "
          + "+ g * INTERVAL '1 minute' FROM generate_series(1, 1000) g");
    }
  }

  @Test
  void incrementalLoadsReadOnlyNewRowsAndRerunsReplaceTheirDay() throws Exception {
    String yaml = pipeline("${env:PG_URL}", "");
    RunContext day1 = SharedSpark.context(yaml, "2026-11-01", ENV);
    StageResult first = day1.runStage(new IngestStage());
    assertEquals(1000L, first.metrics().get("orders.rows_bronze"));
    assertEquals("none", first.metrics().get("orders.watermark_from"));
    var bronze = day1.lake().read(TableRef.parse("bronze.orders")).rows();
    Row one = bronze.filter("id = 7").head();
    assertEquals(new java.math.BigDecimal("10.50"), one.getAs("amount"));
    assertTrue(one.<String>getAs(IngestStage.SOURCE_FILE).endsWith("/lakeforge#public.orders"));

    try (Connection c = DriverManager.getConnection(ENV.get("PG_URL"), ENV.get("PG_USER"), ENV.get("PG_PASSWORD"));
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO orders SELECT g, 'new', g, TIMESTAMP '2026-11-02 00:00:00' + g * INTERVAL '1 second' "
          + "FROM generate_series(1001, 1005) g");
    }
    String dir = java.nio.file.Path.of(day1.config().lake().root()).getParent().toString();
    RunContext day2 = SharedSpark.context(yaml.replace("${TMP}", dir), "2026-11-02", ENV);
    StageResult second = day2.runStage(new IngestStage());
    assertEquals(5L, second.metrics().get("orders.rows_bronze"));
    assertEquals("2026-11-01 16:40:00.0", second.metrics().get("orders.watermark_from"));
    day2.runStage(new IngestStage());
    var all = day2.lake().read(TableRef.parse("bronze.orders")).rows();
    assertEquals(1005, all.count(), "a rerun of 2026-11-02 replaces its 5 rows");
    assertEquals(1005, all.select("id").distinct().count());

    // The password went in through the environment; it is in no commit, manifest or metric.
    String password = ENV.get("PG_PASSWORD");
    String history = DeltaTable.forPath(day2.spark(), day2.lake().path(TableRef.parse("bronze.orders"))).history()
        .toJSON().collectAsList().toString();
    assertFalse(history.contains(password));
    assertFalse(second.toString().contains(password));
    assertFalse(day2.loaded().flattened().toString().contains(password));
  }

  @Test
  void theReadIsSplitIntoTheConfiguredPartitions() throws Exception {
    RunContext ctx = SharedSpark.context(pipeline("${env:PG_URL}", ""), "2026-11-01", ENV);
    var jdbc = new JdbcSource(ctx.spark(), "orders", ctx.config().sources().get("orders").jdbc());
    var rows = jdbc.read(Map.of(), null);
    assertEquals(4, rows.rdd().getNumPartitions());
    assertEquals(1000, rows.filter("id <= 1000").count());
  }

  @Test
  void anUnreachableDatabaseIsExit5AndABadPasswordExit2() {
    String unreachable = pipeline("jdbc:postgresql://127.0.0.1:1/lakeforge", "");
    var down = assertThrows(LakeforgeException.class,
        () -> SharedSpark.context(unreachable, "2026-11-01", ENV).runStage(new IngestStage()));
    assertEquals(5, down.exitCode());
    assertTrue(down.getMessage().startsWith("Cannot reach database of source 'orders' at "
        + "jdbc:postgresql://127.0.0.1:1/lakeforge#public.orders after 3 attempts"), down.getMessage());

    Map<String, String> wrong = new java.util.HashMap<>(ENV);
    wrong.put("PG_PASSWORD", "not-the-password");
    var denied = assertThrows(LakeforgeException.class,
        () -> SharedSpark.context(pipeline("${env:PG_URL}", ""), "2026-11-01", wrong).runStage(new IngestStage()));
    assertEquals(2, denied.exitCode());
    assertTrue(denied.getMessage().contains("password authentication failed"), denied.getMessage());
    assertFalse(denied.getMessage().contains("not-the-password"));
  }

  private static String require(String name) {
    String value = System.getenv(name);
    assertNotNull(value, name + " is not set: run through scripts/test.sh, which starts PostgreSQL");
    return value;
  }
}
