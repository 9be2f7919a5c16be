package dev.lakeforge.scorer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The scorer's native peers: xgboost4j predicting a float matrix already in memory (no file, no parsing), in the
 * scorer's batches, each peer on a booster of its own loaded from the same file (the scorer sets its booster to one
 * thread per call):
 * <ul>
 *   <li>{@code native_predict}: {@code Booster.predict} through a fresh DMatrix per batch, on XGBoost's own threads
 *       (all cores): what a caller of xgboost4j writes first, and issue 21's peer;</li>
 *   <li>{@code native_inplace_predict}: {@code inplace_predict} on the same batches, XGBoost's own threads;</li>
 *   <li>{@code native_inplace_predict_parallel}: {@code inplace_predict}, as many batches at once as there are
 *       cores, one thread each: the scorer's way of predicting without its reading and writing, so the floor for it.</li>
 * </ul>
 */
final class NativePredict {
  static final List<String> NAMES = List.of("native_predict", "native_inplace_predict",
      "native_inplace_predict_parallel");

  private NativePredict() {}

  /**
   * The peers by name, in {@link #NAMES} order, on the booster of a model directory ({@code model.ubj}, else
   * {@code model.json}); {@code data} is row-major, {@code rows} x {@code width}.
   */
  static Map<String, Runnable> peers(Path modelDir, float[] data, int rows, int width, int batch) throws XGBoostError {
    Path model = Files.isRegularFile(modelDir.resolve("model.ubj")) ? modelDir.resolve("model.ubj")
        : modelDir.resolve("model.json");
    Booster shared = XGBoost.loadModel(model.toString());
    Booster single = XGBoost.loadModel(model.toString());
    single.setParam("nthread", 1);
    int cores = Runtime.getRuntime().availableProcessors();
    Map<String, Runnable> peers = new LinkedHashMap<>();
    peers.put(NAMES.get(0), () -> batches(data, rows, width, batch, (b, n) -> {
      DMatrix matrix = new DMatrix(b, n, width, Float.NaN);
      try {
        return shared.predict(matrix);
      } finally {
        matrix.dispose();
      }
    }));
    peers.put(NAMES.get(1), () -> batches(data, rows, width, batch,
        (b, n) -> shared.inplace_predict(b, n, width, Float.NaN)));
    peers.put(NAMES.get(2), () -> {
      ExecutorService pool = Executors.newFixedThreadPool(cores);
      try {
        List<Future<float[][]>> done = new ArrayList<>();
        for (int start = 0; start < rows; start += batch) {
          int from = start;
          int n = Math.min(batch, rows - start);
          done.add(pool.submit(() -> single.inplace_predict(slice(data, from, n, width), n, width, Float.NaN)));
        }
        for (Future<float[][]> f : done) {
          f.get();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        pool.shutdown();
      }
    });
    return peers;
  }

  private interface Predict {
    float[][] apply(float[] batch, int n) throws XGBoostError;
  }

  private static void batches(float[] data, int rows, int width, int batch, Predict predict) {
    try {
      for (int start = 0; start < rows; start += batch) {
        int n = Math.min(batch, rows - start);
        predict.apply(slice(data, start, n, width), n);
      }
    } catch (XGBoostError e) {
      throw new IllegalStateException(e);
    }
  }

  private static float[] slice(float[] data, int fromRow, int n, int width) {
    float[] b = new float[n * width];
    System.arraycopy(data, fromRow * width, b, 0, n * width);
    return b;
  }
}
