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
 *   <li>the native peers of {@link NativePredict}: xgboost4j predicting the float matrix already in memory;</li>
 *   <li>{@code scorer_csv}: {@link FileScorer}, the code of {@code bin/lakeforge-score}, CSV file in, CSV file out;</li>
 *   <li>{@code scorer_parquet}: the same, Parquet in, Parquet out.</li>
 * </ul>
 * Before the rounds it prints where a scorer run's time goes (read and parse alone, write alone).
 * Usage: ScorerSpeedBenchmark ROWS ROUNDS WORK_DIR OUT.json, or ScorerSpeedBenchmark --files MODEL_DIR WORK_DIR ROUNDS
 * OUT.json on exported rows (see {@link #files}).
 */
public final class ScorerSpeedBenchmark {
  static final int BATCH = 10_000;
  static final int FEATURES = 25;

  public static void main(String[] args) throws Exception {
    if (args[0].equals("--files")) {
      files(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
      return;
    }
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

    time(modelDir, csv, parquet, data, n, w, rounds, work, Path.of(args[3]),
        "\"benchmark\": \"scorer_synthetic\",\n  \"trees\": 100,\n  \"depth\": 6");
  }

  /**
   * The same contenders on files a Spark job exported ({@code bench.sh scorer}: the validation rows of the demo's
   * training set, features only, as {@code rows.csv} and {@code rows.parquet} in WORK) with a trained model; the
   * in-memory matrix of the native peers is read from the Parquet file, untimed.
   */
  private static void files(Path modelDir, Path work, int rounds, Path out) throws Exception {
    Path csv = work.resolve("rows.csv");
    Path parquet = work.resolve("rows.parquet");
    ScorerModel model = ScorerModel.load(modelDir.toString(), Map.of(), work);
    float[] data;
    int n;
    int w;
    try (InputRows rows = new ParquetInput(parquet)) {
      FeaturePlan plan = FeaturePlan.of(model, rows.columns(), parquet);
      rows.need(plan.numericColumns(), plan.textColumns());
      w = plan.width();
      float[] all = new float[1 << 20];
      n = 0;
      while (rows.next()) {
        if ((n + 1) * w > all.length) {
          all = java.util.Arrays.copyOf(all, all.length * 2);
        }
        plan.fill(rows, all, n * w);
        n++;
      }
      data = java.util.Arrays.copyOf(all, n * w);
    }
    time(modelDir, csv, parquet, data, n, w, rounds, work, out,
        "\"benchmark\": \"scorer\",\n  \"model\": \"" + modelDir + "\"");
  }

  private static void time(Path modelDir, Path csv, Path parquet, float[] data, int n, int w, int rounds, Path work,
      Path out, String about) throws Exception {
    ScorerModel model = ScorerModel.load(modelDir.toString(), Map.of(), work);
    FileScorer scorer = new FileScorer(model, BATCH);
    ScorerPhases.print(model, csv, parquet, work, n);

    Map<String, Runnable> runs = new LinkedHashMap<>(NativePredict.peers(modelDir, data, n, w, BATCH));
    runs.put("scorer_csv", () -> scorer.score(csv, work.resolve("scored.csv"), List.of()));
    runs.put("scorer_parquet", () -> scorer.score(parquet, work.resolve("scored.parquet"), List.of()));
    Map<String, List<Double>> seconds = Rounds.time(runs, List.copyOf(runs.keySet()), rounds);

    Map<String, Double> median = new LinkedHashMap<>();
    seconds.forEach((k, v) -> median.put(k, Rounds.median(v)));
    StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
        "{\n  %s,\n  \"rows\": %d,\n  \"features\": %d,\n  \"batch_rows\": %d,\n  \"cores\": %d", about, n, w,
        BATCH, Runtime.getRuntime().availableProcessors()));
    median.forEach((k, v) -> {
      json.append(String.format(Locale.ROOT, ",\n  \"%s\": {\"median_seconds\": %.3f, \"rows_per_second\": %.0f, "
          + "\"runs\": %s}", k, v, n / v, seconds.get(k)));
      System.out.printf(Locale.ROOT, "%-32s median %.3f s  %,.0f rows/s  runs %s%n", k, v, n / v, seconds.get(k));
    });
    for (String s : List.of("scorer_csv", "scorer_parquet")) {
      for (String peer : NativePredict.NAMES) {
        double ratio = median.get(peer) / median.get(s);
        json.append(String.format(Locale.ROOT, ",\n  \"%s_rows_per_second_over_%s\": %.2f", s, peer, ratio));
        System.out.printf(Locale.ROOT, "%s rows/s = %.2f x %s's%n", s, ratio, peer);
      }
    }
    Files.writeString(out, json.append("\n}\n").toString());
  }
}
