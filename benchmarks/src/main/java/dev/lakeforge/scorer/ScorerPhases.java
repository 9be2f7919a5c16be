package dev.lakeforge.scorer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Where a scorer run's time goes: reading and parsing a file into feature batches alone, writing alone. */
final class ScorerPhases {
  private ScorerPhases() {}

  static void print(ScorerModel model, Path csv, Path parquet, Path work, int n) throws IOException {
    for (int pass = 0; pass < 2; pass++) { // the first pass warms the JIT up
      for (Path in : List.of(csv, parquet)) {
        long t0 = System.nanoTime();
        try (InputRows rows = FileScorer.isParquet(in) ? new ParquetInput(in) : new CsvInput(in)) {
          FeaturePlan plan = FeaturePlan.of(model, rows.columns(), in);
          rows.need(plan.numericColumns(), plan.textColumns());
          float[] batch = new float[10_000 * plan.width()];
          int k = 0;
          while (rows.next()) {
            plan.fill(rows, batch, k * plan.width());
            k = (k + 1) % 10_000;
          }
        }
        System.out.printf(Locale.ROOT, "phase read+parse %-13s %.3f s%n", in.getFileName(), (System.nanoTime() - t0) / 1e9);
      }
      Predictions predictions = new Predictions(model);
      for (String name : List.of("phase.csv", "phase.parquet")) {
        long t0 = System.nanoTime();
        Path file = work.resolve(name);
        java.nio.file.Files.deleteIfExists(file);
        float[] p = new float[1];
        Object[] none = new Object[0];
        try (OutputRows out = FileScorer.isParquet(file) ? new ParquetOutput(file, List.of(), List.of(), predictions)
            : new CsvOutput(file, List.of(), predictions)) {
          for (int i = 0; i < n; i++) {
            p[0] = (i % 9973) / 9973f;
            out.write(none, p);
          }
        }
        System.out.printf(Locale.ROOT, "phase write %-18s %.3f s%n", name, (System.nanoTime() - t0) / 1e9);
      }
    }
  }
}
