package dev.lakeforge.core.error;

import dev.lakeforge.core.config.TaskKind;
import java.nio.file.Path;

/**
 * The error catalog. Each message has the shape "Cannot X: because Y. Fix: Z" so a user can act on the
 * one line the command line prints.
 */
public final class Errors {
  private Errors() {}

  public static LakeforgeException configFileMissing(Path file) {
    return new LakeforgeException(ErrorKind.CONFIG,
        "Cannot load config " + file + ": the file does not exist. Fix: pass an existing YAML file with --config, "
            + "e.g. conf/pipelines/flights.yaml.", null);
  }

  public static LakeforgeException configSyntax(String where, String problem, Throwable cause) {
    return new LakeforgeException(ErrorKind.CONFIG,
        "Cannot parse config " + where + ": " + problem + ". Fix: correct the YAML at that position.", cause);
  }

  public static LakeforgeException configUnknownKey(String where, String key, String known) {
    return new LakeforgeException(ErrorKind.CONFIG,
        "Cannot load config " + where + ": unknown key '" + key + "'. Fix: remove it or use one of: " + known + ".",
        null);
  }

  public static LakeforgeException configWrongType(String where, String key, String expected, Throwable cause) {
    return new LakeforgeException(ErrorKind.CONFIG,
        "Cannot load config " + where + ": key '" + key + "' must be " + expected + ". Fix: change its value.", cause);
  }

  public static LakeforgeException configInvalid(String where, String problem) {
    return new LakeforgeException(ErrorKind.CONFIG,
        "Cannot load config " + where + ": " + problem + ".", null);
  }

  public static LakeforgeException configEnvMissing(String where, String name) {
    return new LakeforgeException(ErrorKind.CONFIG,
        "Cannot load config " + where + ": environment variable " + name + " is not set. Fix: export " + name
            + " or write ${env:" + name + ":-default} to give a default.", null);
  }

  public static LakeforgeException badOverride(String override, String problem) {
    return new LakeforgeException(ErrorKind.USAGE,
        "Cannot apply --set " + override + ": " + problem + ". Fix: write --set section.key=value with a key the "
            + "config has.", null);
  }

  public static LakeforgeException usage(String problem, String fix) {
    return new LakeforgeException(ErrorKind.USAGE, problem + ". Fix: " + fix + ".", null);
  }

  /**
   * A file to score whose content cannot be scored (a cell that is not a number, a missing column, broken CSV): an
   * input error, as the Spark score stage reports rows that lack a column ({@link #scoringColumns}).
   */
  public static LakeforgeException fileToScore(String problem, String fix) {
    return new LakeforgeException(ErrorKind.INPUT, problem + ". Fix: " + fix + ".", null);
  }

  public static LakeforgeException inputMissing(String what, String path, String fix) {
    return new LakeforgeException(ErrorKind.INPUT,
        "Cannot read " + what + " at " + path + ": it does not exist. Fix: " + fix + ".", null);
  }

  public static LakeforgeException inputUnreadable(String what, String path, String reason, Throwable cause) {
    return new LakeforgeException(ErrorKind.INPUT,
        "Cannot read " + what + " at " + path + ": " + reason + ". Fix: check the file, or re-fetch it.", cause);
  }

  /** @param producer the stage that writes the table, or null to name it by its layer */
  public static LakeforgeException tableMissing(String table, String path, String producer) {
    String layer = table.substring(0, table.indexOf('.'));
    String run = producer != null ? "run `lakeforge " + producer + "` first (it writes the " + layer + " tables)"
        : "run the stage that writes the " + layer + " layer first (`lakeforge --help` lists the stages and their "
            + "tables)";
    return new LakeforgeException(ErrorKind.INPUT,
        "Cannot read table " + table + " at " + path + ": it does not exist yet. Fix: check the table's name in the "
            + "config or command, or " + run + ".", null);
  }

  public static LakeforgeException versionMissing(String ref, String reason) {
    return new LakeforgeException(ErrorKind.INPUT,
        "Cannot read " + ref + ": no such version, " + reason + ". Fix: list versions with `lakeforge tables "
            + "history`, then pin an existing one.", null);
  }

  public static LakeforgeException stageOutputMissing(String stage, String fromDir, String needed) {
    return new LakeforgeException(ErrorKind.INPUT,
        "Cannot find the " + needed + " of stage '" + stage + "' in " + fromDir
            + ": that stage has not run for this pipeline and run date. Fix: run `lakeforge " + stage
            + "` with the same --run-date first.", null);
  }

  public static LakeforgeException sqlExpression(String where, String expression, String reason, Throwable cause) {
    return new LakeforgeException(ErrorKind.CONFIG,
        "Cannot compile " + where + " expression '" + expression + "': " + reason
            + ". Fix: correct the Spark SQL expression in the pipeline config.", cause);
  }

  public static LakeforgeException dataQualityGate(String entity, String detail) {
    return new LakeforgeException(ErrorKind.DATA_QUALITY,
        "Data-quality gate failed for " + entity + ": " + detail
            + ". Fix: inspect quarantine." + entity + " (column _failed_rules), correct the source, then rerun.",
        null);
  }

  /** Rows that would make features wrong (null times or keys, duplicate events): refused, never guessed at. */
  public static LakeforgeException featureInput(String what, String problem, String fix) {
    return new LakeforgeException(ErrorKind.DATA_QUALITY,
        "Cannot compute " + what + ": " + problem + ". Fix: " + fix + ".", null);
  }

  /**
   * A feature set not materialised up to the times of the rows to score: scoring would give those rows nulls (no
   * history) instead of their features.
   */
  public static LakeforgeException featureSetStale(String set, String table, String problem, String behind) {
    return new LakeforgeException(ErrorKind.DATA_QUALITY,
        "Cannot look up feature set '" + set + "' for the rows to score: because " + table + " is stale by " + behind
            + " (" + problem + "). Fix: run `lakeforge features --set " + set + "` on data up to the rows' times, "
            + "then score again.", null);
  }

  /** Rows to score that cannot be scored as a whole (no rows, too many quarantined, a column missing). */
  public static LakeforgeException scoringInput(String input, String problem, String fix) {
    return new LakeforgeException(ErrorKind.DATA_QUALITY,
        "Cannot score the rows of " + input + ": because " + problem + ". Fix: " + fix + ".", null);
  }

  /** Rows to score that lack a column the model's features read: a usage error, found before any data is read. */
  public static LakeforgeException scoringColumns(String input, String missing, String have, String fix) {
    return new LakeforgeException(ErrorKind.INPUT,
        "Cannot score the rows of " + input + ": because they lack " + missing + ", which the model's features read "
            + "(they have: " + have + "). Fix: " + fix + ".", null);
  }

  /** Validation rows or predictions that make every metric meaningless (no rows, NaN, one class). */
  public static LakeforgeException evaluationInput(String what, String problem, String fix) {
    return new LakeforgeException(ErrorKind.DATA_QUALITY,
        "Cannot evaluate " + what + ": " + problem + ". Fix: " + fix + ".", null);
  }

  public static LakeforgeException driftGate(String comparison, String detail) {
    return new LakeforgeException(ErrorKind.DATA_QUALITY,
        "Drift gate failed for " + comparison + ": " + detail + ". Fix: query monitoring.drift for this run date, "
            + "find what changed upstream, then rerun, or raise drift.thresholds if the change is expected.", null);
  }

  public static LakeforgeException schemaChanged(String table, String changes, String policy) {
    return new LakeforgeException(ErrorKind.DATA_QUALITY,
        "Cannot write " + table + ": its schema changed (" + changes + ") and its " + policy
            + ". Fix: restore the source's columns, or set schema_policy: add_columns for added columns, or "
            + "write a new table for a breaking change.", null);
  }

  public static LakeforgeException runDateNotMigrated(String table, String column) {
    return new LakeforgeException(ErrorKind.INPUT,
        "Cannot write " + table + ": its " + column + " column is STRING, as tables written before run dates became "
            + "DATE have it. Fix: run `lakeforge tables migrate " + table + "` once (one new version with the column "
            + "as DATE; older versions stay readable), then rerun.", null);
  }

  public static LakeforgeException runDateUnreadable(String table, String column, long rows, String example) {
    return new LakeforgeException(ErrorKind.INPUT,
        "Cannot migrate " + table + ": " + rows + " rows have a " + column + " that is not a yyyy-MM-dd date (e.g. '"
            + example + "'). Fix: correct or delete those rows, then run `lakeforge tables migrate " + table
            + "` again.", null);
  }

  public static LakeforgeException modelGate(String model, String reasons) {
    return new LakeforgeException(ErrorKind.MODEL_GATE,
        "Model gate failed for " + model + ": " + reasons
            + ". The model stays on disk and is not promoted. Fix: improve the model or adjust evaluation.gates.",
        null);
  }

  public static LakeforgeException serviceUnavailable(String service, String target, String reason, int attempts,
      String fix, Throwable cause) {
    return new LakeforgeException(ErrorKind.SERVICE_UNAVAILABLE,
        "Cannot reach " + service + " at " + target + " after " + attempts + " attempts: " + reason + ". Fix: "
            + fix + ".", cause);
  }

  /**
   * A failure deep inside Spark, Hadoop or an SDK whose cause is an unreachable endpoint (refused, unknown host,
   * connect timeout) becomes exit 5 with the innermost message that names the endpoint.
   */
  public static java.util.Optional<LakeforgeException> unreachableService(Throwable e) {
    boolean network = false;
    boolean s3 = false;
    String detail = null;
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      String cls = t.getClass().getName();
      s3 |= cls.startsWith("com.amazonaws.") || cls.startsWith("org.apache.hadoop.fs.s3a.")
          || (t.getMessage() != null && t.getMessage().contains("s3a://"));
      network |= t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
          || t instanceof java.net.NoRouteToHostException
          || (t instanceof java.net.SocketTimeoutException && String.valueOf(t.getMessage()).contains("connect"));
      String msg = LibraryMessage.firstLine(t.getMessage()).orElse("");
      if (msg.contains("Connect to ") || msg.contains("Unable to execute HTTP request")) {
        detail = msg;
      } else if (detail == null && !msg.isBlank()) {
        detail = msg;
      }
      if (t.getCause() == null) {
        break;
      }
    }
    if (!network) {
      return java.util.Optional.empty();
    }
    String service = s3 ? "the S3 endpoint (lake.s3.endpoint)" : "an external service";
    return java.util.Optional.of(new LakeforgeException(ErrorKind.SERVICE_UNAVAILABLE,
        "Cannot reach " + service + ": " + detail + ". Fix: start the service or correct its address, then rerun "
            + "the stage; tables keep their last committed version.", e));
  }

  /**
   * A file of the lake that is not a table (run manifest, model file, report, registry cache) could not be read or
   * written: an unreachable store is exit 5 like any other service, anything else (no permission, no such bucket, a
   * missing file) exit 2 naming the path.
   */
  public static LakeforgeException storageFailed(String action, String path, Throwable cause) {
    Throwable denied = unreachableService(cause).isEmpty() ? accessDenied(cause) : null;
    if (denied != null) {
      return new LakeforgeException(ErrorKind.INPUT, "Cannot " + action + " " + path + ": the store answered 403 "
          + "Forbidden (" + LibraryMessage.firstLine(denied.getMessage()).orElse(denied.getClass().getSimpleName())
          + "). Fix: this is usually the credentials or the bucket's permissions: give the driver credentials "
          + "allowed on that bucket (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the instance's credential "
          + "provider; in standalone cluster mode the driver gets spark-submit's environment, so stale keys in the "
          + "submitting shell win); S3 also answers 403 to a clock far off (RequestTimeTooSkewed).", cause);
    }
    return unreachableService(cause).orElseGet(() -> new LakeforgeException(ErrorKind.INPUT,
        "Cannot " + action + " " + path + ": " + LibraryMessage.firstLine(cause.getMessage())
            .orElse(cause.getClass().getSimpleName()) + ". Fix: check that the path (lake.state, lake.models, "
            + "scoring.output) exists and is writable, and for s3a:// the bucket, lake.s3 and the AWS credentials.",
        cause));
  }

  /**
   * The exception of an HTTP 403 in the chain, or null: S3A turns one into {@link java.nio.file.AccessDeniedException};
   * the SDK's own exception says 403.
   */
  private static Throwable accessDenied(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String msg = String.valueOf(t.getMessage());
      if (t instanceof java.nio.file.AccessDeniedException && msg.contains("s3a://")
          || msg.contains("Status Code: 403") || msg.contains("403 Forbidden")) {
        return t;
      }
    }
    return null;
  }

  /** No standalone master of a {@code spark://} URL accepts a connection ({@code detail}: the last host's error). */
  public static LakeforgeException sparkMasterUnreachable(String master, String detail) {
    return new LakeforgeException(ErrorKind.SERVICE_UNAVAILABLE, "Cannot start the Spark application: no standalone "
        + "master answers at " + master + " (" + detail + "). Fix: start the master (scripts/spark-cluster.sh on one "
        + "machine) or correct --master, then rerun the stage; no table was written.", null);
  }

  public static LakeforgeException concurrentWrite(String table, String conflict, String detail, int attempts,
      Throwable cause) {
    return new LakeforgeException(ErrorKind.SERVICE_UNAVAILABLE,
        "Cannot commit to " + table + ": another writer committed to the same rows first, " + attempts
            + " times in a row (" + conflict + ": " + detail + "). The table stays at the other writer's version. "
            + "Fix: let the other run finish (one writer per table and run date), then rerun this stage.", cause);
  }

  /**
   * A service's address answers, but not as the service's API (a 404 page, HTML instead of JSON): the URL is wrong,
   * typically a path prefix missing or extra behind a reverse proxy. A config error (exit 2), not worth retrying.
   */
  /** MLflow 3 answered 403 "Invalid Host header": the name the client uses is not in the server's allowed hosts. */
  public static LakeforgeException mlflowHostNotAllowed(String base, String host) {
    return new LakeforgeException(ErrorKind.CONFIG,
        "Cannot use MLflow at " + base + ": the server refused the host name '" + host + "' (HTTP 403 Invalid Host "
            + "header; MLflow 3 answers only the host names it was started with). Fix: start the server with "
            + "--allowed-hosts including " + host + " (scripts/mlflow-server.sh: MLFLOW_ALLOWED_HOSTS=" + host
            + "), or set registry.tracking_uri to a name it allows.", null);
  }

  public static LakeforgeException serviceEndpointWrong(String service, String base, String url, String answer) {
    return new LakeforgeException(ErrorKind.CONFIG,
        "Cannot use " + service + " at " + base + ": " + url + " answered " + answer + ", which is not " + service
            + "'s REST API. Fix: check registry.tracking_uri (or MLFLOW_TRACKING_URI), including its path prefix: "
            + "behind a reverse proxy it is the URL the Python client uses, e.g. http://host/mlflow.", null);
  }

  public static LakeforgeException serviceRejected(String service, String call, String reason) {
    return new LakeforgeException(ErrorKind.UNEXPECTED,
        "Cannot complete " + call + " on " + service + ": " + reason + ".", null);
  }

  public static LakeforgeException gpuUnavailable(String reason) {
    return new LakeforgeException(ErrorKind.CONFIG,
        "Cannot train on a GPU: " + reason + ". Fix: run with --profile gpu on executors with NVIDIA GPUs, the RAPIDS "
            + "jar passed with --jars and a jar built with mvn -Pgpu; or set training.device: auto to fall back to CPU.",
        null);
  }

  /**
   * A label the task cannot learn, found before training (exit 3): a binary label not in {0, 1}, a multiclass one
   * with fractional values or classes only the validation split has, a regression one that is NaN or infinite.
   *
   * @param table the training set table@version
   * @param found the offending values with their row counts and split
   */
  public static LakeforgeException labelOutsideDomain(String table, TaskKind task, String found, String fix) {
    return new LakeforgeException(ErrorKind.DATA_QUALITY,
        "Cannot train a " + task + " model on " + table + ": because its label " + found + ". Fix: " + fix + ".",
        null);
  }
}
