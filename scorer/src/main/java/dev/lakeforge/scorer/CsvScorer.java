package dev.lakeforge.scorer;

import dev.lakeforge.core.error.Errors;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Streams a CSV file of features through the booster in fixed-size batches (memory does not grow with the file)
 * and writes the kept columns plus {@code prediction} and {@code probability}: the positive class's for binary
 * models, every class's (as "[p0, p1, ...]") for multi-class, none for regression. Empty cells, "NaN" and "null"
 * are missing values, as in training. The output appears under its name only when complete.
 */
public final class CsvScorer {
  /** What one run did. */
  public record Stats(long rows, double seconds) {}

  private final ScorerModel model;
  private final int batchRows;

  public CsvScorer(ScorerModel model, int batchRows) {
    this.model = model;
    this.batchRows = batchRows;
  }

  /** @param keep input columns copied to the output; null keeps every column that is not a feature */
  public Stats score(Path input, Path output, List<String> keep) {
    long start = System.nanoTime();
    Path partial = output.resolveSibling(output.getFileName() + ".partial");
    long rows = 0;
    try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8);
         BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
      String headerLine = in.readLine();
      if (headerLine == null) {
        throw Errors.usage("Cannot score " + input + ": the file is empty", "give a CSV file with a header line");
      }
      List<String> header = CsvLine.parse(headerLine);
      int[] featureAt = new int[model.features().size()];
      List<String> missing = new ArrayList<>();
      for (int f = 0; f < featureAt.length; f++) {
        featureAt[f] = header.indexOf(model.features().get(f));
        if (featureAt[f] < 0) {
          missing.add(model.features().get(f));
        }
      }
      if (!missing.isEmpty()) {
        throw Errors.usage("Cannot score " + input + " with " + model.source() + ": the header lacks the features "
            + String.join(", ", missing), "add those columns (empty cells are missing values)");
      }
      List<String> kept = keep != null ? keep
          : header.stream().filter(c -> !model.features().contains(c)).toList();
      int[] keptAt = kept.stream().mapToInt(header::indexOf).toArray();
      for (int i = 0; i < keptAt.length; i++) {
        if (keptAt[i] < 0) {
          throw Errors.usage("Cannot keep column '" + kept.get(i) + "': " + input + " has no such column",
              "name columns of its header: " + String.join(", ", header));
        }
      }
      List<String> outHeader = new ArrayList<>(kept);
      outHeader.add("prediction");
      if (!model.task().equals("regression")) {
        outHeader.add("probability");
      }
      out.write(CsvLine.format(outHeader));
      out.newLine();

      int width = featureAt.length;
      float[] data = new float[batchRows * width];
      String[][] keptValues = new String[batchRows][];
      int n = 0;
      long lineNo = 1;
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        List<String> cells = CsvLine.parse(line);
        if (cells.size() != header.size()) {
          throw Errors.usage("Cannot score " + input + ": line " + lineNo + " has " + cells.size() + " columns, the "
              + "header " + header.size(), "fix that line (quote values that contain commas)");
        }
        for (int f = 0; f < width; f++) {
          data[n * width + f] = parse(cells.get(featureAt[f]), input, lineNo, model.features().get(f));
        }
        String[] k = new String[keptAt.length];
        for (int i = 0; i < keptAt.length; i++) {
          k[i] = cells.get(keptAt[i]);
        }
        keptValues[n++] = k;
        if (n == batchRows) {
          write(out, data, keptValues, n, width);
          rows += n;
          n = 0;
        }
      }
      if (n > 0) {
        write(out, data, keptValues, n, width);
        rows += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot score " + input + " into " + output, e);
    }
    try {
      Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish " + output, e);
    }
    return new Stats(rows, (System.nanoTime() - start) / 1e9);
  }

  /** Scores {@code n} rows of {@code data}; also used by the benchmark to time the booster alone. */
  public float[][] predict(float[] data, int n, int width) {
    try {
      DMatrix matrix = new DMatrix(n == data.length / width ? data : Arrays.copyOf(data, n * width), n, width,
          Float.NaN);
      try {
        return model.booster().predict(matrix);
      } finally {
        matrix.dispose();
      }
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost could not score a batch: " + e.getMessage(), e);
    }
  }

  private void write(BufferedWriter out, float[] data, String[][] kept, int n, int width) throws IOException {
    float[][] predictions = predict(data, n, width);
    List<String> cells = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      cells.clear();
      cells.addAll(Arrays.asList(kept[r]));
      float[] p = predictions[r];
      switch (model.task()) {
        case "binary" -> {
          cells.add(p[0] >= 0.5f ? "1.0" : "0.0");
          cells.add(Double.toString(p[0]));
        }
        case "multiclass" -> {
          int best = 0;
          StringBuilder all = new StringBuilder("[");
          for (int c = 0; c < p.length; c++) {
            best = p[c] > p[best] ? c : best;
            all.append(c == 0 ? "" : ", ").append((double) p[c]);
          }
          cells.add(model.labelOf(best));
          cells.add(all.append(']').toString());
        }
        default -> cells.add(Double.toString(p[0]));
      }
      out.write(CsvLine.format(cells));
      out.newLine();
    }
  }

  private static float parse(String cell, Path input, long line, String feature) {
    if (cell.isEmpty() || cell.equals("NaN") || cell.equalsIgnoreCase("null")) {
      return Float.NaN;
    }
    try {
      return (float) Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw Errors.usage("Cannot score " + input + ": line " + line + ", column '" + feature + "': '" + cell
          + "' is not a number", "correct the value or leave the cell empty for a missing value");
    }
  }
}
