package dev.lakeforge.scorer;

import dev.lakeforge.core.error.Errors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Scores a CSV or Parquet file (by extension: {@code .parquet} is Parquet, anything else CSV) into a CSV or Parquet
 * file, streaming rows through the booster in batches of {@code batchRows}: memory is one float matrix of
 * batchRows x features and the batch's kept values, whatever the file size. Features come from {@link FeaturePlan}.
 * Every row read is scored, or the run ends with exit 2 naming the row and column (rows in = rows scored); the
 * output appears under its name only when complete.
 *
 * <p>One thread reads and parses while {@code threads} batches are predicted at once, each by a single-threaded
 * booster call, and the calling thread writes them in input order. On two cores this beats one booster call on
 * XGBoost's own OpenMP threads: those meet at a barrier after every block of rows, so while the reader holds a core
 * the other thread waits (measured in {@code docs/benchmarks.md}, "Scoring"). Concurrent prediction on one booster
 * is safe for tree models (XGBoost's prediction docs, "Thread Safety", since 1.4); a {@code gblinear} booster is
 * predicted one batch at a time on XGBoost's own threads, through a DMatrix.
 */
public final class FileScorer {
  /**
   * What one run did.
   *
   * @param rows              rows read and scored
   * @param seconds           wall time, reading to the renamed output
   * @param unknownCategories per index, frequency and target_mean feature computed here, the values not seen in
   *                          training (scored as that kind's unknown value)
   */
  public record Stats(long rows, double seconds, Map<String, Long> unknownCategories) {}

  private final ScorerModel model;
  private final int batchRows;
  private final int threads;
  private Boolean trees;

  /** Predicts as many batches at once as the machine has cores. */
  public FileScorer(ScorerModel model, int batchRows) {
    this(model, batchRows, Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param threads batches predicted at once, each by a single-threaded booster call (1 for a {@code gblinear}
   *                booster, whatever is asked). The first prediction sets a tree booster to one thread per call.
   */
  public FileScorer(ScorerModel model, int batchRows, int threads) {
    if (batchRows < 1) {
      throw Errors.usage("Cannot score with --batch-rows " + batchRows, "give a positive number of rows");
    }
    if (threads < 1) {
      throw Errors.usage("Cannot score with --threads " + threads, "give a positive number of threads");
    }
    this.model = model;
    this.batchRows = batchRows;
    this.threads = threads;
  }

  /**
   * Whether the booster is a tree model, decided on first use; a tree booster is then set to one thread per call
   * (before any prediction: changing a booster's parameters is not thread-safe).
   */
  private synchronized boolean trees() {
    if (trees == null) {
      trees = model.treeBooster();
      if (trees) {
        try {
          model.booster().setParam("nthread", 1);
        } catch (XGBoostError e) {
          throw new IllegalStateException("XGBoost refused nthread=1: " + e.getMessage(), e);
        }
      }
    }
    return trees;
  }

  static boolean isParquet(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".parquet") || name.endsWith(".parq");
  }

  /** @param keep input columns copied to the output; null keeps every column that is not a model feature */
  public Stats score(Path input, Path output, List<String> keep) {
    long start = System.nanoTime();
    if (Files.isDirectory(input)) {
      throw Errors.usage("Cannot score " + input + ": it is a directory", "give one CSV or Parquet file (for a "
          + "directory of part files, as Spark writes them, use `lakeforge score --input`)");
    }
    if (!Files.isRegularFile(input)) {
      throw Errors.inputMissing("input file", input.toString(), "give a CSV or Parquet file of rows to score");
    }
    requireWritable(input, output);
    Path partial = output.toAbsolutePath().resolveSibling(output.getFileName() + ".partial");
    // A killed run (SIGTERM, Ctrl-C) leaves no half-written file behind either.
    Thread removePartial = new Thread(() -> {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException ignored) { // the JVM is exiting; nothing to report to
      }
    }, "lakeforge-score-cleanup");
    Runtime.getRuntime().addShutdownHook(removePartial);
    long rows = 0;
    Map<String, Long> unknown;
    boolean done = false;
    try (InputRows in = isParquet(input) ? new ParquetInput(input) : new CsvInput(input)) {
      List<String> columns = in.columns();
      FeaturePlan plan = FeaturePlan.of(model, columns, input);
      List<String> kept = keep != null ? keep
          : columns.stream().filter(c -> !model.features().contains(c)).toList();
      for (String own : List.of("prediction", "probability")) {
        if (kept.contains(own)) { // two columns of one name: readers would take either
          throw Errors.usage("Cannot score " + input + ": its column '" + own + "' would be kept beside the "
              + "scorer's own '" + own + "'", "name the columns to keep with --keep, without '" + own + "'");
        }
      }
      int[] keptAt = new int[kept.size()];
      for (int i = 0; i < keptAt.length; i++) {
        keptAt[i] = columns.indexOf(kept.get(i));
        if (keptAt[i] < 0) {
          throw Errors.usage("Cannot keep column '" + kept.get(i) + "': " + input + " has no such column",
              "name columns of its header: " + String.join(", ", columns));
        }
      }
      BitSet textual = (BitSet) plan.textColumns().clone();
      Arrays.stream(keptAt).forEach(textual::set);
      in.need(plan.numericColumns(), textual);
      Predictions predictions = new Predictions(model);
      boolean parquetOut = isParquet(output);
      List<PrimitiveType> keptTypes = new ArrayList<>();
      for (int c : keptAt) {
        keptTypes.add(in.parquetType(c));
      }
      Files.deleteIfExists(partial);
      try (OutputRows out = parquetOut ? new ParquetOutput(partial, kept, keptTypes, predictions)
          : new CsvOutput(partial, kept, predictions)) {
        rows = stream(in, plan, keptAt, out, parquetOut);
      }
      unknown = plan.unknownCategories();
      Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      done = true;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot score " + input + " into " + output + ": " + e.getMessage(), e);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(removePartial);
      } catch (IllegalStateException exiting) { // the hook is already running
      }
      if (!done) {
        try {
          Files.deleteIfExists(partial);
        } catch (IOException ignored) { // the error being thrown says more than this one
        }
      }
    }
    return new Stats(rows, (System.nanoTime() - start) / 1e9, unknown);
  }

  /** Refuses, before reading anything, an output the run could not write or that would destroy its input. */
  private static void requireWritable(Path input, Path output) {
    Path target = output.toAbsolutePath().normalize();
    if (Files.isDirectory(target)) {
      throw Errors.usage("Cannot score into " + output + ": it is a directory", "give a file name for --output");
    }
    Path parent = target.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw Errors.usage("Cannot score into " + output + ": its directory " + parent + " does not exist",
          "create the directory first, or give --output in an existing one");
    }
    try {
      if (Files.exists(target) && Files.isSameFile(input, target)) {
        throw Errors.usage("Cannot score " + input + " into " + output + ": they are the same file, and the output "
            + "replaces it", "give --output another file name");
      }
    } catch (IOException e) {
      throw Errors.inputUnreadable("output file", output.toString(), String.valueOf(e.getMessage()), e);
    }
  }

  /**
   * Refuses batches that cannot be held: {@code batches} of {@code batchRows} x {@code width} floats and the kept
   * values, against half the heap (the rest is the reader's buffers, the output and the booster).
   */
  private void requireMemory(int batches, int width, int keptColumns) {
    long floats = (long) batchRows * width;
    long bytes = batches * (floats * Float.BYTES + (long) batchRows * (16 + 8L * keptColumns));
    long heap = Runtime.getRuntime().maxMemory();
    if (floats > Integer.MAX_VALUE - 8 || bytes > heap / 2) {
      throw Errors.usage(String.format(Locale.ROOT, "Cannot score with --batch-rows %d and --threads %d: their %d "
              + "batches of %d rows x %d features need about %,d MB, more than half the scorer's heap (%,d MB)",
              batchRows, threads, batches, batchRows, width, bytes >> 20, heap >> 20),
          "lower --batch-rows or --threads, or raise LAKEFORGE_SCORER_MEMORY (the heap, default 1g)");
    }
  }

  /** One batch of rows: their features (row-major) and kept values. */
  private static final class Batch {
    final float[] data;
    final Object[][] kept;
    int rows;
    boolean last;

    Batch(int batchRows, int width, int keptColumns) {
      data = new float[batchRows * width];
      kept = new Object[batchRows][keptColumns];
    }
  }

  /**
   * Reads batches on a second thread while earlier batches are predicted on a pool of {@code threads} and this thread
   * writes the oldest one done. Up to {@code threads + 1} batches are handed to the pool, so it has a batch for every
   * thread while this one waits for the oldest and writes it (measured: 0.61-0.65x native predict's rows/s for CSV
   * against 0.57-0.59x with {@code threads}). {@code threads + 3} batches circulate, so memory stays fixed.
   */
  private long stream(InputRows in, FeaturePlan plan, int[] keptAt, OutputRows out, boolean typedKept)
      throws IOException {
    int width = plan.width();
    int threads = trees() ? this.threads : 1;
    requireMemory(threads + 3, width, keptAt.length);
    BlockingQueue<Batch> free = new ArrayBlockingQueue<>(threads + 3);
    BlockingQueue<Batch> full = new ArrayBlockingQueue<>(threads + 3);
    for (int i = 0; i < threads + 3; i++) {
      free.add(new Batch(batchRows, width, keptAt.length));
    }
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        boolean more = true;
        while (more) {
          Batch b = free.take();
          b.rows = 0;
          while (b.rows < batchRows && (more = in.next())) {
            plan.fill(in, b.data, b.rows * width);
            Object[] k = b.kept[b.rows];
            for (int i = 0; i < keptAt.length; i++) {
              // Parquet output keeps a Parquet input's typed values; CSV output gets text as Spark would cast it.
              Object v = in.value(keptAt[i]);
              k[i] = typedKept || v == null || v instanceof String ? v : in.text(keptAt[i]);
            }
            b.rows++;
          }
          b.last = !more;
          full.put(b);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable e) { // handed to the scoring thread, which reports it
        failed.set(e);
        full.offer(new Batch(0, 0, 0));
      }
    }, "lakeforge-score-reader");
    reader.setDaemon(true);
    reader.start();
    ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
      Thread t = new Thread(task, "lakeforge-score-predict");
      t.setDaemon(true);
      return t;
    });
    ArrayDeque<Batch> predicting = new ArrayDeque<>();
    ArrayDeque<Future<float[][]>> predictions = new ArrayDeque<>();
    long rows = 0;
    try {
      while (true) {
        Batch b = full.take();
        rethrow(failed.get());
        if (b.rows > 0) {
          predicting.add(b);
          predictions.add(pool.submit(() -> predict(b.data, b.rows, width)));
        }
        while (!predicting.isEmpty() && (predicting.size() > threads || b.last)) {
          Batch done = predicting.poll();
          float[][] p = predictions.poll().get();
          for (int r = 0; r < done.rows; r++) {
            out.write(done.kept[r], p[r]);
          }
          rows += done.rows;
          free.put(done);
        }
        if (b.last) {
          return rows;
        }
        if (b.rows == 0) {
          free.put(b);
        }
      }
    } catch (ExecutionException e) {
      rethrow(e.getCause());
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while scoring", e);
    } finally {
      reader.interrupt();
      pool.shutdownNow();
    }
  }

  private static void rethrow(Throwable e) throws IOException {
    if (e == null) {
      return;
    }
    if (e instanceof RuntimeException r) {
      throw r;
    }
    if (e instanceof IOException io) {
      throw io;
    }
    if (e instanceof Error err) {
      throw err;
    }
    throw new IllegalStateException(e);
  }

  /**
   * Scores {@code n} rows of {@code data} (row-major, {@code width} features each, NaN for missing). A tree booster
   * predicts in place: it reads the dense array as it is, without building a DMatrix (a CSR copy of every present
   * value) first; XGBoost recommends it for dense data, and the values are {@code predict(DMatrix)}'s (the scorer's
   * tests compare them with Spark's). A {@code gblinear} booster has no in-place prediction, so goes through a
   * DMatrix.
   */
  public float[][] predict(float[] data, int n, int width) {
    try {
      if (trees()) {
        return model.booster().inplace_predict(rows(data, n, width), n, width, Float.NaN);
      }
      DMatrix matrix = new DMatrix(rows(data, n, width), n, width, Float.NaN);
      try {
        return model.booster().predict(matrix);
      } finally {
        matrix.dispose();
      }
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost could not score a batch: " + e.getMessage(), e);
    }
  }

  /** The first {@code n} rows of a batch array (the last batch fills only part of it). */
  private static float[] rows(float[] data, int n, int width) {
    return n * width == data.length ? data : Arrays.copyOf(data, n * width);
  }
}
