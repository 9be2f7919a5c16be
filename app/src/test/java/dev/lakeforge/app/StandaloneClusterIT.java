package dev.lakeforge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.core.table.TableChecksum;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every stage as its own {@code spark-submit --deploy-mode cluster} on the real Spark standalone cluster that
 * scripts/spark-cluster.sh starts (a master and two workers on loopback; each driver runs inside a worker, as on YARN
 * or Kubernetes), with the lake, run state, models, sources and export on S3Proxy, the only storage the processes
 * share. The same sample runs once more with {@code lakeforge run} on {@code local[2]}: both runs must hold the same
 * rows and train the same model.
 */
class StandaloneClusterIT {
  static final String RUN_DATE = "2001-06-15";
  static final List<String> STAGES = List.of("ingest", "validate", "features", "training-set", "train", "evaluate",
      "register", "score");
  // The settings both runs share: a small model, XGBoost on two workers (two executors on the cluster).
  static final List<String> SHARED = List.of("training.params.num_round=20", "training.workers=2",
      "training.threads_per_worker=1");
  static final String LEAN_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
  static final Pattern DRIVER_ID = Pattern.compile("(driver-\\d{14}-\\d{4})");
  static final Pattern DRIVER_STATE = Pattern.compile("State of driver (driver-\\S+) is (\\w+)");

  @TempDir
  static Path work;
  static String base;
  static String model;
  static Configuration s3;
  static Path submitDir;
  static Map<String, String> finalStates = new LinkedHashMap<>();
  static Map<String, String> drivers = new LinkedHashMap<>();

  @BeforeAll
  static void runBothWays() throws Exception {
    String master = E2eEnvironment.require("LAKEFORGE_SPARK_MASTER", "the standalone master (scripts/spark-cluster.sh)");
    String endpoint = E2eEnvironment.require("LAKEFORGE_S3_ENDPOINT", "the S3 server (scripts/s3-server.sh)");
    String bucket = E2eEnvironment.require("LAKEFORGE_S3_BUCKET", "the S3 server's bucket");
    String mlflow = E2eEnvironment.require("MLFLOW_TRACKING_URI", "the MLflow server to register with");
    base = "s3a://" + bucket + "/cluster-it-" + UUID.randomUUID().toString().substring(0, 8);
    model = "flights_cluster_" + UUID.randomUUID().toString().substring(0, 8);

    // One sample, as local files and as objects on S3.
    Path raw = work.resolve("raw");
    E2eEnvironment.sample(E2eEnvironment.flights(), 300, raw.resolve("flights.parquet"));
    Files.copy(E2eEnvironment.repo().resolve("data/raw/airports.csv"), raw.resolve("airports.csv"));
    s3 = new Configuration(SharedSpark.get().sparkContext().hadoopConfiguration());
    s3.set("fs.s3a.endpoint", endpoint);
    s3.set("fs.s3a.connection.ssl.enabled", "false");
    s3.set("fs.s3a.path.style.access", "true");
    s3.set("fs.s3a.endpoint.region", "us-east-1");
    // This JVM reads the cluster's tables too.
    s3.forEach(e -> SharedSpark.get().sparkContext().hadoopConfiguration().set(e.getKey(), e.getValue()));
    org.apache.hadoop.fs.Path rawOnS3 = new org.apache.hadoop.fs.Path(base + "/raw");
    FileSystem fs = rawOnS3.getFileSystem(s3);
    fs.mkdirs(rawOnS3);
    try (Stream<Path> files = Files.walk(raw)) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".parquet")
          || f.toString().endsWith(".csv")).toList()) {
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(f.toUri()),
            new org.apache.hadoop.fs.Path(base + "/raw/" + raw.relativize(f)));
      }
    }

    // The local run: the whole pipeline in this JVM, on local[2], lake on the local disk.
    String localModel = model + "_local";
    List<String> local = new ArrayList<>(List.of("run", "--config", config(), "--run-date", RUN_DATE,
        "--profile", "local", "--run-id", "local-run"));
    for (String set : concat(SHARED, List.of("lake.root=" + work.resolve("lake"), "lake.state=" + work.resolve("state"),
        "lake.models=" + work.resolve("models"), "sources.flights.path=" + raw.resolve("flights.parquet"),
        "sources.airports.path=" + raw.resolve("airports.csv"), "scoring.output=" + work.resolve("exports"),
        "registry.model_name=" + localModel, "registry.experiment=" + localModel, "registry.tracking_uri=" + mlflow))) {
      local.add("--set");
      local.add(set);
    }
    var err = new ByteArrayOutputStream();
    int localExit = LakeforgeMain.execute(local.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, localExit, err.toString(StandardCharsets.UTF_8));

    // The cluster run: one spark-submit per stage from an empty directory, nothing shared but S3 and MLflow.
    submitDir = Files.createDirectories(work.resolve("submit"));
    for (String stage : STAGES) {
      List<String> args = new ArrayList<>(List.of(stage, "--config", config(), "--run-date", RUN_DATE,
          "--profile", "cluster", "--run-id", "cluster-run"));
      for (String set : concat(SHARED, List.of("lake.root=" + base + "/lake", "lake.state=" + base + "/state",
          "lake.models=" + base + "/models", "lake.s3.endpoint=" + endpoint,
          "sources.flights.path=" + base + "/raw/flights.parquet", "sources.airports.path=" + base + "/raw/airports.csv",
          "scoring.output=" + base + "/exports", "registry.model_name=" + model, "registry.experiment=" + model,
          "registry.tracking_uri=" + mlflow))) {
        args.add("--set");
        args.add(set);
      }
      submit(master, stage, args);
    }
  }

  static String config() {
    return E2eEnvironment.repo().resolve("conf/pipelines/flights.yaml").toString();
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Submits one stage in cluster mode and waits for its driver; records the driver's final state. */
  static void submit(String master, String stage, List<String> args) throws Exception {
    String sparkSubmit = E2eEnvironment.require("LAKEFORGE_SPARK_SUBMIT", "path of pyspark's spark-submit");
    String s3aClassPath = s3aJars();
    List<String> command = new ArrayList<>(List.of(sparkSubmit, "--master", master, "--deploy-mode", "cluster",
        "--conf", "spark.standalone.submit.waitAppCompletion=true",
        "--driver-memory", "1g", "--executor-memory", "1g", "--conf", "spark.executor.cores=1",
        "--conf", "spark.cores.max=2", "--conf", "spark.sql.shuffle.partitions=8",
        // Lean JVMs for a 2-core machine that runs a driver and two executors per stage, each started cold: the
        // client JIT only (short-lived JVMs spend more CPU in C2 than they win) and one GC thread; Delta rebuilds
        // small snapshots in 2 tasks, not 50; no UI.
        "--conf", "spark.executor.extraJavaOptions=" + LEAN_JVM, "--conf", "spark.databricks.delta.snapshotPartitions=2",
        "--conf", "spark.ui.enabled=false",
        // s3a:// needs hadoop-aws and its AWS SDK, which the jar leaves out. They are on every node here, as in a
        // cluster's image, so drivers and executors put them on their class path instead of each executor fetching
        // 280 MB from its driver per stage.
        "--conf", "spark.driver.extraClassPath=" + s3aClassPath,
        "--conf", "spark.executor.extraClassPath=" + s3aClassPath,
        // A driver the worker launches gets none of the Java 17 module opens spark-submit adds for its own.
        "--driver-java-options", String.join(" ", Files.readAllLines(
            E2eEnvironment.repo().resolve("conf/java-module-opens.txt"))) + " " + LEAN_JVM + " -Dlog4j2.configurationFile="
            + E2eEnvironment.repo().resolve("conf/log4j2.properties"),
        "--class", "dev.lakeforge.app.LakeforgeMain", jar().toString()));
    command.addAll(args);
    Path log = work.resolve("submit-" + stage + ".log");
    Process p = new ProcessBuilder(command).directory(submitDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), stage + ": spark-submit did not finish in 10 minutes");
    String out = Files.readString(log);
    Matcher id = DRIVER_ID.matcher(out);
    Matcher state = DRIVER_STATE.matcher(out);
    String finalState = null;
    while (state.find()) {
      finalState = state.group(2);
    }
    drivers.put(stage, id.find() ? id.group(1) : "?");
    finalStates.put(stage, finalState);
    // spark-submit exits 0 whatever the driver did (standalone's client), so the driver's state is the verdict.
    assertEquals("FINISHED", finalState, stage + " did not finish: " + out + "\n" + driverLog(drivers.get(stage)));
  }

  /** hadoop-aws and the AWS SDK bundle from the build's provided classpath (the versions Spark's Hadoop needs), joined
   * as a class path. */
  static String s3aJars() throws IOException {
    String classpath = Files.readString(E2eEnvironment.repo().resolve("app/target/provided-classpath.txt")).trim();
    List<String> jars = Stream.of(classpath.split(java.io.File.pathSeparator))
        .filter(j -> j.contains("/hadoop-aws-") || j.contains("/aws-java-sdk-bundle-")).toList();
    assertEquals(2, jars.size(), "hadoop-aws and aws-java-sdk-bundle in app/target/provided-classpath.txt: " + jars);
    return String.join(java.io.File.pathSeparator, jars);
  }

  static Path jar() throws IOException {
    try (var files = Files.list(E2eEnvironment.repo().resolve("app/target"))) {
      return files.filter(p -> p.getFileName().toString().matches("lakeforge-\\d.*\\.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("app/target/lakeforge-<version>.jar is missing: mvn package"));
    }
  }

  /** The driver's stderr from whichever worker ran it. */
  static String driverLog(String driver) throws IOException {
    Path home = Path.of(System.getenv().getOrDefault("SPARK_CLUSTER_HOME", "/tmp/lakeforge-spark-cluster"));
    try (Stream<Path> dirs = Files.walk(home, 2)) {
      for (Path d : dirs.filter(d -> d.getFileName().toString().equals(driver)).toList()) {
        Path stderr = d.resolve("stderr");
        if (Files.exists(stderr)) {
          String text = Files.readString(stderr);
          return text.substring(Math.max(0, text.length() - 6000));
        }
      }
    }
    return "(no driver log found under " + home + ")";
  }

  @Test
  void everyStageRanAsItsOwnDriverOnTheCluster() {
    assertEquals(STAGES, List.copyOf(finalStates.keySet()));
    assertTrue(finalStates.values().stream().allMatch("FINISHED"::equals), finalStates.toString());
    assertEquals(STAGES.size(), Set.copyOf(drivers.values()).size(), "one driver per stage: " + drivers);
  }

  @Test
  void theClusterRunLeftTablesStateAndModelOnS3AndNothingWhereItWasSubmitted() throws Exception {
    try (Stream<Path> left = Files.list(submitDir)) {
      assertEquals(List.of(), left.toList(), "spark-submit's directory stays empty");
    }
    FileSystem fs = new org.apache.hadoop.fs.Path(base).getFileSystem(s3);
    for (String stage : STAGES) {
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(base + "/state/flights/" + RUN_DATE + "/" + stage + ".json")),
          stage + "'s run manifest on S3");
    }
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(base + "/exports/day=" + RUN_DATE)), "the export on S3");
    long exported = SharedSpark.get().read().parquet(base + "/exports/day=" + RUN_DATE).count();
    long expected = SharedSpark.get().read().format("delta").load(base + "/lake/silver/flights")
        .filter("to_date(date) = date'" + RUN_DATE + "'").count();
    assertTrue(expected > 0);
    assertEquals(expected, exported);
    // Rows in = rows kept + rows quarantined, with validate's drivers and executors on the cluster.
    long rowsIn = SharedSpark.get().read().parquet(work.resolve("raw/flights.parquet").toString()).count();
    long silver = SharedSpark.get().read().format("delta").load(base + "/lake/silver/flights").count();
    long quarantined = SharedSpark.get().read().format("delta").load(base + "/lake/quarantine/flights").count();
    assertEquals(rowsIn, silver + quarantined);
    JsonNode version = mlflow("/api/2.0/mlflow/registered-models/alias?name=" + model + "&alias=champion")
        .path("model_version");
    assertEquals("1", version.path("version").asText(), version.toString());
  }

  @Test
  void theClusterAndTheLocalRunHoldTheSameRowsAndTrainTheSameModel() throws Exception {
    var spark = SharedSpark.get();
    for (String table : List.of("silver.flights", "quarantine.flights", "training_sets.flights_delay")) {
      // Allowed to differ: _source, the file each row was read from (a local path here, an s3a:// key there).
      Set<String> where = Set.of(dev.lakeforge.etl.IngestStage.SOURCE_FILE);
      TableChecksum local = TableChecksum.of(new Lake(spark, work.resolve("lake").toString()), TableRef.parse(table),
          where, false);
      TableChecksum cluster = TableChecksum.of(new Lake(spark, base + "/lake"), TableRef.parse(table), where, false);
      assertEquals(local.rows(), cluster.rows(), table);
      assertEquals(local.checksum(), cluster.checksum(), table);
    }
    double localAuc = metric(Files.readString(work.resolve("state/flights/" + RUN_DATE + "/evaluate.json")));
    FileSystem fs = new org.apache.hadoop.fs.Path(base).getFileSystem(s3);
    String clusterManifest;
    try (var in = fs.open(new org.apache.hadoop.fs.Path(base + "/state/flights/" + RUN_DATE + "/evaluate.json"))) {
      clusterManifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(localAuc, metric(clusterManifest), 1e-9, "validation AUC, XGBoost on two workers both times");
  }

  static double metric(String manifest) throws IOException {
    return new ObjectMapper().readTree(manifest).path("metrics").path("auc_roc").asDouble(Double.NaN);
  }

  static JsonNode mlflow(String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(System.getenv("MLFLOW_TRACKING_URI") + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body());
  }
}
