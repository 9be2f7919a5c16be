package dev.lakeforge.core.spark;

import dev.lakeforge.core.config.ConfigLoader;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.error.LibraryMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the one SparkSession a command uses, from a profile, with Delta always enabled. */
public final class SparkSessions {
  public static final String RAPIDS_PLUGIN = "com.nvidia.spark.SQLPlugin";
  /** Set when a GPU profile fell back to CPU; its value says why. */
  public static final String GPU_FALLBACK = "spark.lakeforge.gpu.fallback";
  private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);
  private static final Map<String, String> DELTA = Map.of(
      "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
      "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");

  private SparkSessions() {}

  /**
   * Finds a profile: {@code name} may be a YAML file, or a name looked up as {@code <confDir>/spark/<name>.yaml}.
   */
  public static SparkProfile loadProfile(String name, Path confDir, ConfigLoader loader) {
    Path direct = Path.of(name);
    Path file = name.endsWith(".yaml") || name.endsWith(".yml") ? direct : confDir.resolve("spark").resolve(name + ".yaml");
    if (!Files.isRegularFile(file)) {
      throw Errors.usage("Cannot use Spark profile '" + name + "': " + file + " does not exist",
          "pass --profile local, cluster or gpu (files in " + confDir.resolve("spark") + ") or a profile YAML path");
    }
    return loader.load(file, SparkProfile.class);
  }

  /** How long {@link #start} waits for a standalone master to accept a connection before giving up. */
  static final Duration MASTER_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Starts (or joins) the session: spark-submit's settings win over the profile's; Delta is always enabled.
   *
   * @throws LakeforgeException exit 5 when the master is a standalone master that does not answer
   */
  public static SparkSession start(String appName, SparkProfile profile) {
    SparkConf submitted = new SparkConf(); // holds what spark-submit or -Dspark.* already set
    String master = submitted.contains("spark.master") ? submitted.get("spark.master")
        : profile.master() == null ? "local[*]" : profile.master();
    requireReachableMaster(master, MASTER_CONNECT_TIMEOUT);
    Map<String, String> conf = effectiveConf(profile, submitted, GpuProbe.forMaster(master));
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (!submitted.contains("spark.master")) {
      builder.master(master);
    }
    conf.forEach(builder::config);
    DELTA.forEach(builder::config);
    return builder.getOrCreate();
  }

  /**
   * Fails fast when no standalone master of {@code spark://host:port[,host:port...]} accepts a connection. Spark's own
   * client retries for a minute, logs "All masters are unresponsive" and stops the context, after which the stage
   * would fail on its first job with an unrelated "stopped SparkContext". Other masters (local, yarn, k8s) pass.
   *
   * @throws LakeforgeException exit 5 naming the master URL, when none of its hosts accepts a TCP connection within
   *     {@code timeout} (each host in turn, so an HA URL of n hosts that drop packets takes n timeouts)
   */
  static void requireReachableMaster(String master, Duration timeout) {
    if (!master.startsWith("spark://")) {
      return;
    }
    String failure = null;
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      String portText = colon < 0 ? "7077" : hostPort.substring(colon + 1).replaceAll("/+$", "");
      if (!portText.matches("\\d{1,5}")) {
        return; // not a URL Spark accepts either: its own "Invalid master URL" says so
      }
      int port = Integer.parseInt(portText);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        return;
      } catch (IOException e) {
        failure = host + ":" + port + ": " + LibraryMessage.firstLine(e.getMessage()).orElse(e.getClass().getSimpleName());
      }
    }
    throw Errors.sparkMasterUnreachable(master, failure);
  }

  /**
   * The settings Lakeforge adds to what was submitted: the profile's, minus those spark-submit already set. A
   * profile asking for the RAPIDS Accelerator where it cannot run falls back to CPU with one warning: the plugin
   * and GPU resource settings are dropped and {@link #GPU_FALLBACK} records why, so training can refuse when its
   * config demands a GPU.
   */
  static Map<String, String> effectiveConf(SparkProfile profile, SparkConf submitted, GpuProbe probe) {
    Map<String, String> conf = new TreeMap<>();
    profile.conf().forEach((k, v) -> {
      if (!submitted.contains(k)) {
        conf.put(k, v);
      }
    });
    String plugins = submitted.get("spark.plugins", profile.conf().getOrDefault("spark.plugins", ""));
    if (plugins.contains(RAPIDS_PLUGIN)) {
      Optional<String> problem = probe.rapidsProblem();
      if (problem.isPresent()) {
        LOG.warn("Spark profile asks for GPUs, but {}: running on CPU without the RAPIDS Accelerator", problem.get());
        conf.keySet().removeIf(SparkSessions::isGpuSetting);
        conf.put("spark.plugins", remove(plugins, RAPIDS_PLUGIN));
        conf.put(GPU_FALLBACK, problem.get());
      }
    }
    return conf;
  }

  /**
   * The settings a session would get here from {@code profile}, without starting it: what {@code config check}
   * shows, GPU fallback included.
   */
  public static Map<String, String> settings(SparkProfile profile) {
    SparkConf submitted = new SparkConf();
    String master = submitted.contains("spark.master") ? submitted.get("spark.master")
        : profile.master() == null ? "local[*]" : profile.master();
    Map<String, String> conf = new TreeMap<>(effectiveConf(profile, submitted, GpuProbe.forMaster(master)));
    conf.put("spark.master", master);
    return conf;
  }

  /** Why a GPU profile runs on CPU in this session, or empty when it does not. */
  public static Optional<String> gpuFallback(SparkSession spark) {
    return Optional.ofNullable(spark.conf().get(GPU_FALLBACK, null));
  }

  /** True when this session runs the RAPIDS Accelerator (a GPU profile that did not fall back). */
  public static boolean onGpu(SparkSession spark) {
    return spark.conf().get("spark.plugins", "").contains(RAPIDS_PLUGIN) && gpuFallback(spark).isEmpty();
  }

  private static boolean isGpuSetting(String key) {
    return key.equals("spark.plugins") || key.startsWith("spark.rapids.")
        || key.matches("spark\\.(executor|task|driver)\\.resource\\.gpu\\..*");
  }

  private static String remove(String plugins, String plugin) {
    return String.join(",", java.util.Arrays.stream(plugins.split(","))
        .map(String::trim).filter(p -> !p.isEmpty() && !p.equals(plugin)).toList());
  }


}
