package dev.lakeforge.scorer;

import static org.apache.spark.sql.functions.col;

import dev.lakeforge.bench.Rounds;
import dev.lakeforge.core.spark.SparkProfile;
import dev.lakeforge.core.spark.SparkSessions;
import dev.lakeforge.core.table.Lake;
import dev.lakeforge.features.FeatureTable;
import dev.lakeforge.training.DataSplit;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.SparkModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Scores the same rows (the validation split of the pipeline's training set) with the same model three ways, side
 * by side:
 * <ul>
 *   <li>{@code scorer_csv}: the Spark-free scorer end to end, CSV file in, CSV file out (parse, predict, write);</li>
 *   <li>{@code native_predict}: xgboost4j predict on float arrays already in memory, in the scorer's batch size,
 *       a fresh DMatrix per batch: the floor for any JVM scorer;</li>
 *   <li>{@code spark_transform}: the Spark model's transform over the cached rows, written to Spark's noop sink.</li>
 * </ul>
 * Parquet input is timed by {@link ScorerSpeedBenchmark} on the scorer's shaded jar: this module's classpath
 * carries Spark 3.5's Parquet 1.13, which lacks the local-file API the scorer reads with.
 * Usage: ScorerBenchmark PIPELINE.yaml MODEL_DIR ROUNDS OUT.json
 */
public final class ScorerBenchmark {
  static final int BATCH = 10_000;

  public static void main(String[] args) throws Exception {
    var config = new dev.lakeforge.core.config.ConfigLoader(System.getenv())
        .loadPipeline(Path.of(args[0]), List.of()).config();
    ModelDirectory dir = new ModelDirectory(Path.of(args[1]));
    int rounds = Integer.parseInt(args[2]);
    var spine = config.trainingSets().get(config.trainingSetName()).spine();
    SparkSession spark = SparkSessions.start("lakeforge-bench-scorer", new SparkProfile("local[2]",
        Map.of("spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "8")));
    spark.sparkContext().setLogLevel("ERROR");
    List<String> features = dir.info().features();
    Dataset<Row> rows = new DataSplit(config.training().split(), spine.keys()).validation(
            new Lake(spark, config.lake().root()).read(FeatureTable.trainingSet(config.trainingSetName()), "bench")
                .rows())
        .select(features.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long n = rows.count();

    Path work = Files.createTempDirectory("scorer-bench");
    Path csvDir = work.resolve("rows");
    rows.coalesce(1).write().option("header", "true").csv(csvDir.toString());
    Path csv;
    try (var files = Files.list(csvDir)) {
      csv = files.filter(p -> p.toString().endsWith(".csv")).findFirst().orElseThrow();
    }
    float[] data = new float[(int) n * features.size()];
    int r = 0;
    for (Row row : rows.collectAsList()) {
      for (int f = 0; f < features.size(); f++) {
        data[r * features.size() + f] = row.isNullAt(f) ? Float.NaN : (float) ((Number) row.get(f)).doubleValue();
      }
      r++;
    }
    ScorerModel model = ScorerModel.fromDirectory(Path.of(dir.root()), dir.root());
    FileScorer scorer = new FileScorer(model, BATCH);
    int width = features.size();

    Map<String, Runnable> runs = new LinkedHashMap<>();
    runs.put("scorer_csv", () -> scorer.score(csv, work.resolve("scored.csv"), List.of()));
    runs.put("native_predict", () -> {
      float[] batch = new float[BATCH * width];
      for (int start = 0; start < n; start += BATCH) {
        int count = (int) Math.min(BATCH, n - start);
        System.arraycopy(data, start * width, batch, 0, count * width);
        scorer.predictThroughDMatrix(batch, count, width);
      }
    });
    var sparkModel = SparkModels.load(dir.sparkModel());
    runs.put("spark_transform", () -> SparkModels.transform(sparkModel, rows, features)
        .select(SparkModels.positiveProbability()).write().format("noop").mode("overwrite").save());
    Map<String, List<Double>> seconds = Rounds.time(runs, List.copyOf(runs.keySet()), rounds);

    StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
        "{\n  \"benchmark\": \"scorer\",\n  \"rows\": %d,\n  \"features\": %d,\n  \"batch_rows\": %d,\n  \"cores\": %d",
        n, width, BATCH, Runtime.getRuntime().availableProcessors()));
    Map<String, Double> median = new LinkedHashMap<>();
    seconds.forEach((k, v) -> median.put(k, Rounds.median(v)));
    median.forEach((k, v) -> {
      json.append(String.format(Locale.ROOT, ",\n  \"%s\": {\"median_seconds\": %.3f, \"rows_per_second\": %.0f, "
          + "\"runs\": %s}", k, v, n / v, seconds.get(k)));
      System.out.printf(Locale.ROOT, "%-16s median %.3f s  %,.0f rows/s%n", k, v, n / v);
    });
    double ratio = median.get("scorer_csv") / median.get("native_predict");
    json.append(String.format(Locale.ROOT, ",\n  \"scorer_csv_over_native_predict\": %.2f,\n"
        + "  \"spark_transform_over_native_predict\": %.2f\n}\n", ratio,
        median.get("spark_transform") / median.get("native_predict")));
    System.out.printf(Locale.ROOT, "scorer_csv / native_predict = %.2f%n", ratio);
    Files.writeString(Path.of(args[3]), json.toString());
    spark.stop();
  }
}
