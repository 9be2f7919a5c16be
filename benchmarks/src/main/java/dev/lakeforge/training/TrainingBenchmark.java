package dev.lakeforge.training;

import static org.apache.spark.sql.functions.col;

import dev.lakeforge.bench.Rounds;
import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.spark.SparkProfile;
import dev.lakeforge.core.spark.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Fits the same rows three ways in one JVM, side by side, at equal rounds, depth and learning rate:
 * <ul>
 *   <li>{@code xgboost_spark}: Lakeforge's {@link XGBoostTrainer} (xgboost4j-spark, 2 workers × 1 thread);</li>
 *   <li>{@code xgboost_native}: xgboost4j on a DMatrix already in driver memory, 2 threads: the floor the Spark
 *       path should approach;</li>
 *   <li>{@code mllib_gbt}: Lakeforge's MLlib GBT trainer (mean imputation, then GBTClassifier).</li>
 * </ul>
 * Training rows are cached before timing; each model's AUC on the validation split is computed the same way (rank
 * formula on the driver).
 *
 * <p>Usage: TrainingBenchmark PIPELINE.yaml ROUNDS_OF_TIMING BOOST_ROUNDS GBT_RUNS OUT.json (the training set,
 * its features and the split come from the pipeline config; the training set must exist in its lake)
 */
public final class TrainingBenchmark {
  public static void main(String[] args) throws Exception {
    var config = new dev.lakeforge.core.config.ConfigLoader(System.getenv())
        .loadPipeline(Path.of(args[0]), List.of()).config();
    String trainingSet = config.trainingSetName();
    var spine = config.trainingSets().get(trainingSet).spine();
    int timingRounds = Integer.parseInt(args[1]);
    int boostRounds = Integer.parseInt(args[2]);
    int gbtRuns = Integer.parseInt(args[3]);
    SparkSession spark = SparkSessions.start("lakeforge-bench-training", new SparkProfile("local[2]",
        Map.of("spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "8", "spark.driver.memory", "8g")));
    spark.sparkContext().setLogLevel("ERROR");

    var lake = new dev.lakeforge.core.table.Lake(spark, config.lake().root());
    Dataset<Row> all = lake.read(dev.lakeforge.features.FeatureTable.trainingSet(trainingSet)).rows()
        .filter(col("label").isNotNull());
    List<String> features = dev.lakeforge.features.FeatureTable.featureColumns(all.columns(), spine);
    DataSplit split = new DataSplit(config.training().split(), spine.keys());
    Dataset<Row> train = split.training(all).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> validation = split.validation(all).persist(StorageLevel.MEMORY_AND_DISK());
    long trainRows = train.count();
    long validationRows = validation.count();
    Matrix trainMatrix = Matrix.of(train, features);
    Matrix validationMatrix = Matrix.of(validation, features);
    // Whether the cached rows still fit storage memory beside the native path's float matrix: partitions that spill
    // to disk are read back at every pass over the training rows.
    for (org.apache.spark.storage.RDDInfo cached : spark.sparkContext().getRDDStorageInfo()) {
      System.out.printf(Locale.ROOT, "cached %s: %d of %d partitions, %d MB in memory, %d MB on disk%n",
          cached.name().lines().findFirst().orElse("?"), cached.numCachedPartitions(), cached.numPartitions(),
          cached.memSize() >> 20, cached.diskSize() >> 20);
    }

    TrainerInput input = new TrainerInput(train, null, features, "label", TaskKind.BINARY, null, null, 2, 1,
        "cpu", false);
    Map<String, Object> xgbParams = Map.of("num_round", boostRounds, "max_depth", 6, "eta", 0.1, "seed", 42);
    Map<String, Double> auc = new LinkedHashMap<>();
    Map<String, Runnable> runs = new LinkedHashMap<>();
    runs.put("xgboost_spark", () -> {
      try (TrainedModel model = new XGBoostTrainer().fit(input, xgbParams)) {
        auc.put("xgboost_spark", sparkAuc(model, validation, features));
      }
    });
    runs.put("xgboost_native", () -> {
      try {
        Map<String, Object> params = new HashMap<>(Map.of("objective", "binary:logistic", "max_depth", 6, "eta", 0.1,
            "seed", 42, "tree_method", "hist", "nthread", 2, "verbosity", 0));
        // Native memory is freed here, not left to finalizers: at 30M rows each round's matrices take gigabytes
        // outside the heap, and three undisposed rounds got the JVM killed by the kernel.
        DMatrix matrix = trainMatrix.dmatrix();
        DMatrix validationDmatrix = validationMatrix.dmatrix();
        Booster booster = XGBoost.train(matrix, params, boostRounds, Map.of(), null, null);
        try {
          float[][] p = booster.predict(validationDmatrix);
          double[] scores = new double[p.length];
          for (int i = 0; i < p.length; i++) {
            scores[i] = p[i][0];
          }
          auc.put("xgboost_native", Auc.of(scores, validationMatrix.labels));
        } finally {
          booster.dispose();
          validationDmatrix.dispose();
          matrix.dispose();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Map<String, List<Double>> seconds = Rounds.time(runs, List.of(), timingRounds);
    List<Double> gbtSeconds = new java.util.ArrayList<>();
    for (int i = 0; i < gbtRuns; i++) {
      long t0 = System.nanoTime();
      TrainedModel gbt = new GbtTrainer().fit(input, Map.of("max_iter", boostRounds, "max_depth", 6,
          "step_size", 0.1, "seed", 42));
      gbtSeconds.add((System.nanoTime() - t0) / 1e9);
      auc.put("mllib_gbt", sparkAuc(gbt, validation, features));
    }
    double sparkXgb = Rounds.median(seconds.get("xgboost_spark"));
    double nativeXgb = Rounds.median(seconds.get("xgboost_native"));
    Double gbt = gbtSeconds.isEmpty() ? null : Rounds.median(gbtSeconds);  // GBT_RUNS 0: too slow at scale
    String json = String.format(Locale.ROOT, "{\n  \"benchmark\": \"training\",\n  \"training_rows\": %d,\n"
        + "  \"validation_rows\": %d,\n  \"features\": %d,\n  \"boost_rounds\": %d,\n  \"max_depth\": 6,\n"
        + "  \"timing_rounds\": %d,\n  \"cores\": %d,\n"
        + "  \"median_fit_seconds\": {\"xgboost_spark\": %.2f, \"xgboost_native\": %.2f, \"mllib_gbt\": %s},\n"
        + "  \"validation_auc\": {\"xgboost_spark\": %.4f, \"xgboost_native\": %.4f, \"mllib_gbt\": %s},\n"
        + "  \"ratios\": {\"xgboost_spark_over_native\": %.2f, \"mllib_gbt_over_xgboost_spark\": %s},\n"
        + "  \"all_seconds\": {\"xgboost_spark\": %s, \"xgboost_native\": %s, \"mllib_gbt\": %s}\n}\n",
        trainRows, validationRows, features.size(), boostRounds, timingRounds,
        Runtime.getRuntime().availableProcessors(), sparkXgb, nativeXgb, fixed(gbt, 2), auc.get("xgboost_spark"),
        auc.get("xgboost_native"), fixed(auc.get("mllib_gbt"), 4), sparkXgb / nativeXgb,
        fixed(gbt == null ? null : gbt / sparkXgb, 2), seconds.get("xgboost_spark"), seconds.get("xgboost_native"),
        gbtSeconds);
    Files.writeString(Path.of(args[4]), json);
    System.out.print(json);
    spark.stop();
  }

  private static double sparkAuc(TrainedModel model, Dataset<Row> validation, List<String> features) {
    List<Row> rows = SparkModels.transform(model.sparkModel(), validation, features)
        .select(SparkModels.positiveProbability(), col("label").cast("double")).collectAsList();
    double[] scores = new double[rows.size()];
    float[] labels = new float[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      scores[i] = rows.get(i).getDouble(0);
      labels[i] = (float) rows.get(i).getDouble(1);
    }
    return Auc.of(scores, labels);
  }

  /** A JSON number with this many decimals, or null when the figure was not measured. */
  private static String fixed(Double value, int decimals) {
    return value == null ? "null" : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** Rows as a dense row-major float matrix, null as NaN, on the driver. */
  record Matrix(float[] values, float[] labels, int rows, int columns) {
    static Matrix of(Dataset<Row> data, List<String> features) {
      int n = Math.toIntExact(data.count());
      int m = features.size();
      float[] values = new float[Math.multiplyExact(n, m)];
      float[] labels = new float[n];
      // A partition at a time: 25M rows collected as Rows of boxed floats would need some 20 GB of heap.
      java.util.Iterator<Row> rows = SparkModels.withFeatureVector(data, features)
          .select(org.apache.spark.ml.functions.vector_to_array(col(SparkModels.FEATURE_VECTOR), "float32"),
              col("label").cast("float"))
          .toLocalIterator();
      for (int i = 0; i < n; i++) {
        Row row = rows.next();
        scala.collection.Seq<Object> vector = row.getSeq(0);
        for (int j = 0; j < m; j++) {
          values[i * m + j] = (Float) vector.apply(j);
        }
        labels[i] = row.getFloat(1);
      }
      return new Matrix(values, labels, n, m);
    }

    DMatrix dmatrix() throws ml.dmlc.xgboost4j.java.XGBoostError {
      DMatrix matrix = new DMatrix(values, rows, columns, Float.NaN);
      matrix.setLabel(labels);
      return matrix;
    }
  }

  /** Area under the ROC curve by the rank-sum formula, ties sharing their average rank. */
  static final class Auc {
    static double of(double[] scores, float[] labels) {
      Integer[] order = new Integer[scores.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
      double positiveRanks = 0;
      long positives = 0;
      int i = 0;
      while (i < order.length) {
        int j = i;
        while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
          j++;
        }
        double rank = (i + j) / 2.0 + 1;
        for (int k = i; k <= j; k++) {
          if (labels[order[k]] > 0.5f) {
            positiveRanks += rank;
            positives++;
          }
        }
        i = j + 1;
      }
      long negatives = scores.length - positives;
      return (positiveRanks - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
  }
}
