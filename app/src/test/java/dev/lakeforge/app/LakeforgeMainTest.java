package dev.lakeforge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.app.CommandLineRun.Outcome;
import dev.lakeforge.core.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeforgeMainTest {
  @TempDir
  Path dir;

  Outcome run(String... args) {
    return CommandLineRun.execute(args);
  }

  String flights() {
    return SharedSpark.repoRoot().resolve("conf/pipelines/flights.yaml").toString();
  }

  @Test
  void everyStageHasHelp() {
    for (String cmd : new String[] {"ingest", "validate", "features", "training-set", "train", "evaluate", "register", "score", "run"}) {
      Outcome o = run(cmd, "--help");
      assertEquals(0, o.code(), cmd);
      assertTrue(o.out().contains("--run-date") && o.out().contains("--profile"), cmd + ": " + o.out());
    }
  }

  @Test
  void configCheckAcceptsTheDemoConfig() {
    Outcome o = run("config", "check", "--config", flights());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("config ok") && o.out().contains("sources: airports, flights"), o.out());
    Outcome typo = run("config", "check", "--config", flights(), "--set", "evaluation.gates.auc_rco.min=0.99");
    assertEquals(2, typo.code(), typo.err());
    assertTrue(typo.err().startsWith("lakeforge: config error: Cannot load config evaluation.gates.auc_rco: a binary "
        + "model's evaluation has no metric 'auc_rco'. Fix: gate on one of accuracy, "), typo.err());
    assertFalse(typo.out().contains("config ok"), typo.out());
    // The runner checks it before Spark starts: on an empty lake the gate, not the missing table, is the error.
    Outcome evaluate = run("evaluate", "--config", flights(), "--set", "evaluation.gates.auc_rco.min=0.99", "--set",
        "lake.root=" + dir.resolve("empty-lake"));
    assertEquals(2, evaluate.code(), evaluate.err());
    assertTrue(evaluate.err().startsWith("lakeforge: config error: Cannot load config evaluation.gates.auc_rco"),
        evaluate.err());
  }

  @Test
  void unknownProfileIsUsageError() {
    Outcome o = run("config", "check", "--config", flights(), "--profile", "huge");
    assertEquals(2, o.code());
    assertTrue(o.err().contains("Spark profile 'huge'"), o.err());
  }

  @Test
  void malformedConfigIsOneLineWithExit2() throws Exception {
    Path bad = dir.resolve("pipelines/bad.yaml");
    Files.createDirectories(bad.getParent());
    Files.writeString(bad, "pipeline: x\nsources:\n\t- tab-indented\n");
    Outcome o = run("config", "check", "--config", bad.toString());
    assertEquals(2, o.code());
    assertEquals(1, o.err().strip().lines().count(), o.err());
    assertTrue(o.err().startsWith("lakeforge: config error: Cannot parse config " + bad + ":"), o.err());
    assertFalse(o.err().contains("\tat "));
  }

  @Test
  void aBadRunDateIsOneErrorLineSayingWhatToWrite() {
    for (String bad : new String[] {"2026-13-45", "yesterday"}) {
      Outcome o = run("validate", "--run-date", bad, "--config", flights());
      assertEquals(2, o.code(), o.err());
      assertEquals("lakeforge: usage error: Invalid value for option '--run-date': '" + bad + "' is not a date. "
          + "Fix: write YYYY-MM-DD, e.g. 2001-06-15\nSee `lakeforge validate --help` for the options.",
          o.err().strip());
    }
  }

  @Test
  void aMissingTableNamesTheStageThatWritesItsLayer() {
    String lake = dir.resolve("lake").toString();
    Outcome o = run("tables", "checksum", "silver.flights", "--config", flights(), "--set", "lake.root=" + lake);
    assertEquals(2, o.code(), o.err());
    assertEquals("lakeforge: input error: Cannot read table silver.flights at " + lake + "/silver/flights: it does not "
        + "exist yet. Fix: check the table's name in the config or command, or run `lakeforge validate` first (it "
        + "writes the silver tables).", o.err().strip());
    Outcome unknownLayer = run("tables", "history", "scratch.notes", "--config", flights(), "--set",
        "lake.root=" + lake);
    assertEquals(2, unknownLayer.code(), unknownLayer.err());
    assertTrue(unknownLayer.err().contains("or run the stage that writes the scratch layer first"),
        unknownLayer.err());
    Outcome inTheFlow = run("training-set", "--config", flights(), "--set", "lake.root=" + lake);
    assertEquals(2, inTheFlow.code(), inTheFlow.err());
    assertTrue(inTheFlow.err().contains("or run `lakeforge validate` first (it writes the silver tables)."),
        inTheFlow.err());
  }

  @Test
  void tablesMigrateRewritesAStringRunDateOnceAndSaysSo() {
    String lake = dir.resolve("lake").toString();
    SharedSpark.get().sql("SELECT 'a' AS id, '2001-06-15' AS run_date").write().format("delta")
        .partitionBy("run_date").save(lake + "/monitoring/shadow");
    String[] migrate = {"tables", "migrate", "monitoring.shadow", "--config", flights(), "--set", "lake.root=" + lake};
    Outcome first = run(migrate);
    assertEquals(0, first.code(), first.err());
    assertEquals("monitoring.shadow@v1: run_date now DATE (1 rows rewritten)", first.out().strip());
    Outcome again = run(migrate);
    assertEquals(0, again.code(), again.err());
    assertEquals("monitoring.shadow: run date columns are already DATE; nothing written", again.out().strip());
  }

  @Test
  void badRunDateAndUnknownCommandAreUsageErrors() {
    assertEquals(2, run("train", "--run-date", "yesterday").code());
    assertEquals(2, run("deploy").code());
  }

  Outcome alias(String trackingUri, String model, String... command) {
    List<String> args = new ArrayList<>(List.of("alias"));
    args.addAll(List.of(command));
    args.addAll(List.of("--config", flights(), "--set", "registry.tracking_uri=" + trackingUri, "--set",
        "registry.model_name=" + model, "--set", "registry.max_attempts=2", "--set", "registry.initial_backoff_ms=10"));
    return run(args.toArray(String[]::new));
  }

  @Test
  void aliasCommandsWorkThroughAPathPrefixAndSayWhyWhenTheRegistryCannotBeRead() throws Exception {
    String proxied = System.getenv("MLFLOW_PREFIXED_TRACKING_URI");
    Assumptions.assumeTrue(proxied != null, "needs the prefixed MLflow server scripts/test.sh starts");
    String model = "cli_alias_" + System.nanoTime();
    Outcome unset = alias(proxied, model, "show", "champion");
    assertEquals(2, unset.code(), unset.err());
    assertEquals("models:/" + model + "@champion is not set", unset.out().strip(), "the registry answered: none");

    String withoutPrefix = proxied.substring(0, proxied.length() - URI.create(proxied).getPath().length());
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    for (var unreadable : List.of(Map.entry(withoutPrefix, "lakeforge: config error: Cannot use MLflow at "
        + withoutPrefix + ": " + withoutPrefix + "/api/2.0/mlflow/registered-models/alias answered HTTP 404"),
        Map.entry("http://127.0.0.1:" + closed + "/mlflow", "lakeforge: external service unavailable: Cannot reach "
            + "MLflow at http://127.0.0.1:" + closed + "/mlflow after 2 attempts: ConnectException"))) {
      int code = unreadable.getValue().contains("config error") ? 2 : 5;
      for (String command : List.of("show", "delete")) {
        Outcome o = alias(unreadable.getKey(), model, command, "champion");
        assertEquals(code, o.code(), command + ": " + o.err());
        assertEquals("", o.out(), command + ": neither 'is not set' nor 'was not set'");
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().startsWith(unreadable.getValue()), o.err());
        assertFalse(o.err().contains("\tat "));
      }
    }
    assertTrue(alias(withoutPrefix, model, "show", "champion").err().contains("including its path prefix"));
  }
}
