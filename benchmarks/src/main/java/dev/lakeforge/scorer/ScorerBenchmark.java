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
 * The Spark half of {@code bench.sh scorer}: the validation split of the pipeline's training set, scored with the
 * same model two ways side by side, {@code native_predict} (xgboost4j on float arrays in memory, see
 * {@link NativePredict}) and {@code spark_transform} (the Spark model's transform over the cached rows, written to
 * Spark's noop sink); and the same rows, features only, exported to WORK_DIR as {@code rows.csv} and
 * {@code rows.parquet} for the scorer's half, {@link ScorerSpeedBenchmark} {@code --files}, which runs on the
 * scorer's shaded jar: this module's classpath carries Spark 3.5's Parquet 1.13, which lacks the local-file API the
 * scorer reads with.
 * Usage: ScorerBenchmark PIPELINE.yaml MODEL_DIR ROUNDS OUT.json WORK_DIR
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
            new Lake(spark, config.lake().root()).read(FeatureTable.trainingSet(config.trainingSetName()))
                .rows())
        .select(features.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long n = rows.count();

    // The rows for the scorer's own run (ScorerSpeedBenchmark --files, on its shaded jar), one file of each kind.
    Path work = Files.createDirectories(Path.of(args[4]));
    export(rows.coalesce(1).write().mode("overwrite").option("header", "true"), "csv", work, "rows.csv");
    export(rows.coalesce(1).write().mode("overwrite"), "parquet", work, "rows.parquet");
    float[] data = new float[(int) n * features.size()];
    int r = 0;
    for (Row row : rows.collectAsList()) {
      for (int f = 0; f < features.size(); f++) {
        data[r * features.size() + f] = row.isNullAt(f) ? Float.NaN : (float) ((Number) row.get(f)).doubleValue();
      }
      r++;
    }
    int width = features.size();

    Map<String, Runnable> runs = new LinkedHashMap<>();
    runs.put("native_predict", NativePredict.peers(Path.of(dir.root()), data, (int) n, width,
        BATCH).get("native_predict"));
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
    double ratio = median.get("spark_transform") / median.get("native_predict");
    json.append(String.format(Locale.ROOT, ",\n  \"spark_transform_over_native_predict\": %.2f\n}\n", ratio));
    System.out.printf(Locale.ROOT, "spark_transform / native_predict = %.2f%n", ratio);
    Files.writeString(Path.of(args[3]), json.toString());
    spark.stop();
  }

  /** Writes one Spark part file and moves it to {@code work/name}. */
  private static void export(org.apache.spark.sql.DataFrameWriter<Row> writer, String format, Path work, String name)
      throws java.io.IOException {
    Path dir = work.resolve(name + ".spark");
    writer.format(format).save(dir.toString());
    try (var files = Files.list(dir)) {
      Path part = files.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
      Files.move(part, work.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    try (var left = Files.walk(dir)) {
      left.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
