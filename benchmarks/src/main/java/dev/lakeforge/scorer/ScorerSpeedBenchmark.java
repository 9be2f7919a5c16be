package dev.lakeforge.scorer;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import dev.lakeforge.bench.Rounds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * The Spark-free scorer against native predict without Spark or a lake: ROWS rows of the demo model's shape (25
 * numeric features, some missing; a booster of 100 trees of depth 6, trained here with xgboost4j), written once as
 * CSV (Double.toString text, as Spark's CSV writer) and as Snappy Parquet, then timed side by side, order rotating,
 * median of the rounds after a warm-up:
 * <ul>
 *   <li>{@code native_predict}: xgboost4j {@code Booster.predict} on the float matrix already in memory, in the
 *       scorer's batch size (10,000), a fresh DMatrix per batch: the peer;</li>
 *   <li>{@code native_inplace_predict}: xgboost4j {@code inplace_predict} on the same batches (no DMatrix), which
 *       the scorer uses: the floor for any JVM scorer;</li>
 *   <li>{@code scorer_csv}: {@link FileScorer}, the code of {@code bin/lakeforge-score}, CSV file in, CSV file out;</li>
 *   <li>{@code scorer_parquet}: the same, Parquet in, Parquet out.</li>
 * </ul>
 * Before the rounds it prints where a scorer run's time goes (read and parse alone, write alone).
 * Usage: ScorerSpeedBenchmark ROWS ROUNDS WORK_DIR OUT.json
 */
public final class ScorerSpeedBenchmark {
  static final int BATCH = 10_000;
  static final int FEATURES = 25;

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    Path work = Files.createDirectories(Path.of(args[2]));
    int w = FEATURES;
    Random random = new Random(7);
    double[][] rows = new double[n][w];
    float[] data = new float[n * w];
    float[] label = new float[n];
    for (int r = 0; r < n; r++) {
      double signal = 0;
      for (int f = 0; f < w; f++) {
        // Hours and indexes, counts, distances, shares: the kinds of values the demo's features hold.
        double v = f < 5 ? random.nextInt(24) : f < 10 ? random.nextInt(300) : f < 15
            ? Math.round(random.nextDouble() * 3000) : random.nextDouble();
        v = random.nextInt(50) == 0 ? Double.NaN : v;
        rows[r][f] = v;
        data[r * w + f] = (float) v;
        signal += Double.isNaN(v) ? 0 : v * ((f * 7919) % 13 - 6) / (f < 15 ? 300.0 : 1.0);
      }
      label[r] = signal + random.nextGaussian() * 2 > 0 ? 1 : 0;
    }
    Path modelDir = Files.createDirectories(work.resolve("model"));
    DMatrix train = new DMatrix(data, n, w, Float.NaN);
    train.setLabel(label);
    Booster booster = XGBoost.train(train, new HashMap<>(Map.of("max_depth", 6, "eta", 0.1,
        "objective", "binary:logistic", "tree_method", "hist", "seed", 7)), 100, Map.of(), null, null);
    train.dispose();
    Files.write(modelDir.resolve("model.ubj"), booster.toByteArray("ubj"));
    StringBuilder names = new StringBuilder();
    for (int f = 0; f < w; f++) {
      names.append(f == 0 ? "" : ", ").append("\"f").append(f).append('"');
    }
    Files.writeString(modelDir.resolve("model-info.json"), "{\"task\": \"binary\", \"features\": [" + names + "]}");

    Path csv = work.resolve("rows.csv");
    try (CsvWriter out = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(csv)) {
      String[] cells = new String[w];
      for (int f = 0; f < w; f++) {
        cells[f] = "f" + f;
      }
      out.writeRecord(cells);
      for (double[] row : rows) {
        for (int f = 0; f < w; f++) {
          cells[f] = Double.isNaN(row[f]) ? "" : Double.toString(row[f]);
        }
        out.writeRecord(cells);
      }
    }
    Path parquet = work.resolve("rows.parquet");
    SyntheticParquet.write(parquet, rows);

    ScorerModel model = ScorerModel.load(modelDir.toString(), Map.of(), work);
    FileScorer scorer = new FileScorer(model, BATCH);
    ScorerPhases.print(model, csv, parquet, work, n);

    Map<String, Runnable> runs = new LinkedHashMap<>();
    runs.put("native_predict", () -> {
      float[] batch = new float[BATCH * w];
      for (int start = 0; start < n; start += BATCH) {
        int count = Math.min(BATCH, n - start);
        System.arraycopy(data, start * w, batch, 0, count * w);
        scorer.predictThroughDMatrix(batch, count, w);
      }
    });
    runs.put("native_inplace_predict", () -> {
      float[] batch = new float[BATCH * w];
      for (int start = 0; start < n; start += BATCH) {
        int count = Math.min(BATCH, n - start);
        System.arraycopy(data, start * w, batch, 0, count * w);
        scorer.predict(batch, count, w);
      }
    });
    runs.put("scorer_csv", () -> scorer.score(csv, work.resolve("scored.csv"), List.of()));
    runs.put("scorer_parquet", () -> scorer.score(parquet, work.resolve("scored.parquet"), List.of()));
    Map<String, List<Double>> seconds = Rounds.time(runs, List.copyOf(runs.keySet()), rounds);

    Map<String, Double> median = new LinkedHashMap<>();
    seconds.forEach((k, v) -> median.put(k, Rounds.median(v)));
    StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
        "{\n  \"benchmark\": \"scorer_synthetic\",\n  \"rows\": %d,\n  \"features\": %d,\n  \"trees\": 100,\n"
            + "  \"depth\": 6,\n  \"batch_rows\": %d,\n  \"cores\": %d", n, w, BATCH,
        Runtime.getRuntime().availableProcessors()));
    median.forEach((k, v) -> {
      json.append(String.format(Locale.ROOT, ",\n  \"%s\": {\"median_seconds\": %.3f, \"rows_per_second\": %.0f, "
          + "\"runs\": %s}", k, v, n / v, seconds.get(k)));
      System.out.printf(Locale.ROOT, "%-22s median %.3f s  %,.0f rows/s  runs %s%n", k, v, n / v, seconds.get(k));
    });
    for (String s : List.of("scorer_csv", "scorer_parquet")) {
      for (String peer : List.of("native_predict", "native_inplace_predict")) {
        double ratio = median.get(peer) / median.get(s);
        json.append(String.format(Locale.ROOT, ",\n  \"%s_rows_per_second_over_%s\": %.2f", s, peer, ratio));
        System.out.printf(Locale.ROOT, "%s rows/s = %.2f x %s's%n", s, ratio, peer);
      }
    }
    Files.writeString(Path.of(args[3]), json.append("\n}\n").toString());
  }
}
