package dev.lakeforge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar under the real spark-submit of pyspark in client mode: exit codes and one-line errors come through.
 * (Every stage under spark-submit, in cluster mode: {@link StandaloneClusterIT}.)
 */
class SparkSubmitIT {
  @TempDir
  Path work;

  record Result(int exitCode, String stdout, String stderr) {}

  Result submit(String... args) throws Exception {
    String sparkSubmit = E2eEnvironment.require("LAKEFORGE_SPARK_SUBMIT", "path of pyspark's spark-submit");
    Path jar;
    try (var files = Files.list(E2eEnvironment.repo().resolve("app/target"))) {
      jar = files.filter(p -> p.getFileName().toString().matches("lakeforge-\\d.*\\.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("app/target/lakeforge-<version>.jar is missing: mvn package"));
    }
    List<String> command = new ArrayList<>(List.of(sparkSubmit, "--master", "local[2]",
        "--driver-java-options", "-Dlog4j2.configurationFile=" + E2eEnvironment.repo().resolve("conf/log4j2.properties")
            + " -Dlakeforge.log.dir=" + work.resolve("logs"),
        "--conf", "spark.driver.host=127.0.0.1",
        "--class", "dev.lakeforge.app.LakeforgeMain", jar.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectOutput(work.resolve("out.txt").toFile())
        .redirectError(work.resolve("err.txt").toFile()).start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "spark-submit did not finish in 10 minutes");
    return new Result(p.exitValue(), Files.readString(work.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(work.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  @Test
  void badConfigIsOneLineAndExitCode2() throws Exception {
    Path bad = work.resolve("bad.yaml");
    Files.writeString(bad, Files.readString(E2eEnvironment.repo().resolve("conf/pipelines/flights.yaml"))
        .replace("  experiment: lakeforge-flights", "  experimnt: lakeforge-flights"));
    Result result = submit("validate", "--config", bad.toString());
    assertEquals(2, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains("bad.yaml:") && result.stderr().contains("unknown key 'registry.experimnt'"),
        result.stderr());
    assertFalse(result.stderr().contains("\tat "), "no stack trace on the console: " + result.stderr());
  }

  @Test
  void missingDataFileIsExitCode2WithTheFix() throws Exception {
    List<String> args = new ArrayList<>(List.of("ingest", "--config",
        E2eEnvironment.repo().resolve("conf/pipelines/flights.yaml").toString(),
        "--set", "sources.flights.path=" + work.resolve("nope.parquet"), "--set", "lake.root=" + work.resolve("lake"),
        "--set", "sources.airports.path=" + E2eEnvironment.repo().resolve("data/raw/airports.csv")));
    Result result = submit(args.toArray(String[]::new));
    assertEquals(2, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains("nope.parquet: it does not exist"), result.stderr());
    assertFalse(result.stderr().contains("\tat "), result.stderr());
  }
}
