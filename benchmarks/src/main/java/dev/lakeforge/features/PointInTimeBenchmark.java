package dev.lakeforge.features;

import dev.lakeforge.bench.Rounds;
import dev.lakeforge.core.config.FeatureConfig;
import dev.lakeforge.core.spark.SparkProfile;
import dev.lakeforge.core.spark.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Times three ways to attach a route's feature row to every flight, side by side in one JVM, rotating the order
 * each round, each run to completion through Spark's noop sink:
 * <ul>
 *   <li>{@code equi_join}: a plain join on (origin, destination, time) of the same two inputs, the floor;</li>
 *   <li>{@code lakeforge}: {@link PointInTimeJoin} (latest row at or before, within the ttl);</li>
 *   <li>{@code naive}: join on the entity with the time range, then row_number() per spine row, keep the latest.</li>
 * </ul>
 * The feature rows are one per (route, departure time) with the route's mean delay over the 7 days before its
 * departure time minus 2 hours, computed by {@link WindowAggregates} as the flights config's route_history is, and
 * written to Parquet first so every approach reads the same.
 *
 * <p>Usage: PointInTimeBenchmark FLIGHTS.parquet WORK_DIR ROUNDS TTL_DAYS OUT.json [--without-naive]
 * <p>{@code --without-naive} leaves out the naive join, and counting its pairs, for inputs where it cannot finish
 * (at 30M flights it would sort about a hundred times the 0.4 billion pairs it joins at 3M).
 */
public final class PointInTimeBenchmark {
  public static void main(String[] args) throws Exception {
    String flights = args[0];
    Path work = Path.of(args[1]);
    int rounds = Integer.parseInt(args[2]);
    Duration ttl = Duration.ofDays(Long.parseLong(args[3]));
    boolean naiveToo = !(args.length > 5 && args[5].equals("--without-naive"));
    SparkSession spark = SparkSessions.start("lakeforge-bench-pit", new SparkProfile("local[*]",
        Map.of("spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "8")));
    spark.sparkContext().setLogLevel("ERROR");

    String featurePath = work.resolve("route_features.parquet").toString();
    // The route_history feature as the features stage computes it (growing frames, O(rows)); a sliding range
    // frame here re-aggregated each row's 7 days and did not finish at 30M flights.
    FeatureConfig meanDelay = new FeatureConfig("route_mean_delay_7d", null, null, null, null, null, null, null, null,
        null, "mean", "delay", "7d", "2h");
    WindowAggregates.compute(spark.read().parquet(flights), List.of("origin", "destination"), "date",
        List.of(meanDelay), "route_mean_delay_7d").write().mode("overwrite").parquet(featurePath);
    Dataset<Row> spine = spark.read().parquet(flights).select("date", "origin", "destination", "delay");
    Dataset<Row> features = spark.read().parquet(featurePath);
    long spineRows = spine.count();
    long featureRows = features.count();
    List<String> entity = List.of("origin", "destination");

    Map<String, Runnable> runs = new LinkedHashMap<>();
    runs.put("equi_join", () -> spine.join(features, scala.collection.JavaConverters.asScalaBuffer(
            List.of("origin", "destination", "date")).toSeq(), "left")
        .write().format("noop").mode("overwrite").save());
    runs.put("lakeforge", () -> PointInTimeJoin.asOf(spine, "date", features, entity, "date",
            List.of("route_mean_delay_7d"), Optional.of(ttl))
        .write().format("noop").mode("overwrite").save());
    features.createOrReplaceTempView("route_features");
    spine.createOrReplaceTempView("spine");
    String naiveSql = """
        select * from (
          select s.*, f.route_mean_delay_7d, row_number() over (partition by s.id order by f.date desc) r
          from (select *, monotonically_increasing_id() id from spine) s
          left join route_features f on s.origin = f.origin and s.destination = f.destination
            and f.date <= s.date and f.date >= s.date - make_dt_interval(%d))
        where r = 1""".formatted(ttl.toDays());
    if (naiveToo) {
      runs.put("naive", () -> spark.sql(naiveSql).write().format("noop").mode("overwrite").save());
    }

    Map<String, List<Double>> seconds = Rounds.time(runs, List.of("equi_join"), rounds);
    double equi = Rounds.median(seconds.get("equi_join"));
    double ours = Rounds.median(seconds.get("lakeforge"));
    Double naive = naiveToo ? Rounds.median(seconds.get("naive")) : null;
    Long pairs = !naiveToo ? null : spark.sql("""
        select count(*) from spine s join route_features f on s.origin = f.origin and s.destination = f.destination
          and f.date <= s.date and f.date >= s.date - make_dt_interval(%d)""".formatted(ttl.toDays())).first()
        .getLong(0);
    String json = String.format(Locale.ROOT, "{\n  \"benchmark\": \"point_in_time\",\n  \"spine_rows\": %d,\n"
        + "  \"feature_rows\": %d,\n  \"ttl_days\": %d,\n  \"naive_joined_rows\": %d,\n  \"rounds\": %d,\n"
        + "  \"cores\": %d,\n  \"median_seconds\": {\"equi_join\": %.3f, \"lakeforge\": %.3f, \"naive\": %s},\n"
        + "  \"ratios\": {\"lakeforge_over_equi_join\": %.2f, \"naive_over_lakeforge\": %s},\n"
        + "  \"all_seconds\": %s\n}\n", spineRows, featureRows, ttl.toDays(), pairs, rounds,
        Runtime.getRuntime().availableProcessors(), equi, ours,
        naive == null ? "null" : String.format(Locale.ROOT, "%.3f", naive), ours / equi,
        naive == null ? "null" : String.format(Locale.ROOT, "%.2f", naive / ours), Rounds.toJson(seconds));
    Files.writeString(Path.of(args[4]), json);
    System.out.print(json);
    spark.stop();
  }
}
