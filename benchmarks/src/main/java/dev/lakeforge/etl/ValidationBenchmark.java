package dev.lakeforge.etl;

import dev.lakeforge.bench.Rounds;
import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckStatus;
import dev.lakeforge.core.config.ConfigLoader;
import dev.lakeforge.core.config.RuleConfig;
import dev.lakeforge.core.config.ValidationConfig;
import dev.lakeforge.core.spark.SparkProfile;
import dev.lakeforge.core.spark.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Times one suite three ways on the same Parquet file, side by side in one JVM, rotating the order each round:
 * a bare scan of the suite's columns (Spark's noop sink), Lakeforge's suite aggregation as the validate stage runs
 * it (every rule count, and the column metrics its anomaly checks read: {@code metrics: used}), the same with every
 * column's metrics ({@code metrics: all}), and Deequ's VerificationSuite with the equivalent constraints.
 *
 * <p>Usage: ValidationBenchmark SUITE.yaml DATA.parquet ROUNDS OUT.json
 */
public final class ValidationBenchmark {
  public static void main(String[] args) throws Exception {
    ValidationConfig suite = new ConfigLoader(System.getenv()).load(Path.of(args[0]), ValidationConfig.class);
    String data = args[1];
    int rounds = Integer.parseInt(args[2]);
    SparkSession spark = SparkSessions.start("lakeforge-bench-validation", new SparkProfile("local[*]",
        Map.of("spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "8")));
    spark.sparkContext().setLogLevel("ERROR");
    Dataset<Row> rows = spark.read().parquet(data);
    String[] columns = suite.rules().stream().map(RuleConfig::column).filter(c -> c != null).distinct()
        .toArray(String[]::new);
    long count = rows.count();

    Map<String, Runnable> runs = new LinkedHashMap<>();
    runs.put("bare_scan", () -> rows.select(columns[0], Arrays.copyOfRange(columns, 1, columns.length))
        .write().format("noop").mode("overwrite").save());
    long[] ourFailures = new long[1];
    runs.put("lakeforge", () -> {
      SuitePlan plan = SuitePlan.compile(suite, data, rows, ref -> {
        throw new IllegalArgumentException("the benchmark suite has no referential rules");
      });
      Row r = plan.metricsAggregation(plan.prepared()).head();
      ourFailures[0] = suite.rules().stream().mapToLong(rule -> r.getLong(r.fieldIndex("rule." + rule.name()
          + ".failed"))).sum();
    });
    ValidationConfig allMetrics = suite.withMetrics("all");
    runs.put("lakeforge_all_metrics", () -> {
      SuitePlan plan = SuitePlan.compile(allMetrics, data, rows, ref -> {
        throw new IllegalArgumentException("the benchmark suite has no referential rules");
      });
      plan.metricsAggregation(plan.prepared()).head();
    });
    String[] deequStatus = new String[1];
    runs.put("deequ", () -> {
      VerificationResult result = VerificationSuite.apply().onData(rows).addCheck(deequCheck(suite)).run();
      deequStatus[0] = result.status() == CheckStatus.Success() ? "success" : "constraints failed";
    });

    Map<String, List<Double>> seconds = Rounds.time(runs, List.copyOf(runs.keySet()), rounds);
    double bare = Rounds.median(seconds.get("bare_scan"));
    double ours = Rounds.median(seconds.get("lakeforge"));
    double deequ = Rounds.median(seconds.get("deequ"));
    double all = Rounds.median(seconds.get("lakeforge_all_metrics"));
    String json = String.format(java.util.Locale.ROOT, "{\n  \"benchmark\": \"validation\",\n  \"rules\": %d,\n"
        + "  \"rows\": %d,\n  \"rounds\": %d,\n  \"cores\": %d,\n  \"median_seconds\": {\"bare_scan\": %.3f, "
        + "\"lakeforge\": %.3f, \"lakeforge_all_metrics\": %.3f, \"deequ\": %.3f},\n  \"ratios\": "
        + "{\"lakeforge_over_bare_scan\": %.2f, \"lakeforge_over_deequ\": %.2f, "
        + "\"lakeforge_all_metrics_over_deequ\": %.2f},\n  \"all_seconds\": %s,\n  \"lakeforge_failed_rows_total\": %d,\n"
        + "  \"deequ_status\": \"%s\"\n}\n", suite.rules().size(), count, rounds,
        Runtime.getRuntime().availableProcessors(), bare, ours, all, deequ, ours / bare, ours / deequ,
        all / deequ,
        Rounds.toJson(seconds),
        ourFailures[0], deequStatus[0]);
    Files.writeString(Path.of(args[3]), json);
    System.out.print(json);
    spark.stop();
  }

  /** The suite as Deequ constraints; every rule kind used here has an exact Deequ counterpart. */
  static Check deequCheck(ValidationConfig suite) {
    Check check = new Check(CheckLevel.Error(), "benchmark", Check.apply$default$3());
    for (RuleConfig r : suite.rules()) {
      check = switch (r.kind()) {
        case "not_null" -> check.isComplete(r.column(), Option.empty(), Option.empty());
        case "range" -> check.isContainedIn(r.column(), r.min(), r.max(), true, true, Option.empty(),
            Option.empty());
        case "regex" -> check.hasPattern(r.column(), new scala.util.matching.Regex("^(?:" + r.pattern() + ")$",
            noNames()), Check.IsOne(), Option.empty(), Option.empty(), Option.empty());
        case "expression" -> check.satisfies(r.expression(), r.name(), Check.IsOne(), Option.empty(),
            noNames(), Option.empty());
        default -> throw new IllegalArgumentException("no Deequ counterpart for rule kind " + r.kind());
      };
    }
    return check;
  }

  private static scala.collection.immutable.List<String> noNames() {
    return scala.collection.immutable.List$.MODULE$.empty();
  }
}
