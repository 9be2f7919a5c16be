package dev.lakeforge.scorer;

import java.nio.file.Path;
import java.util.List;

/**
 * The scorer's first API, CSV in and CSV out, kept for its callers: now a {@link FileScorer}, which reads and writes
 * Parquet too (by extension) and computes row features from raw columns.
 */
public final class CsvScorer {
  /** What one run did. */
  public record Stats(long rows, double seconds) {}

  private final FileScorer scorer;

  public CsvScorer(ScorerModel model, int batchRows) {
    this.scorer = new FileScorer(model, batchRows);
  }

  /** @param keep input columns copied to the output; null keeps every column that is not a feature */
  public Stats score(Path input, Path output, List<String> keep) {
    FileScorer.Stats stats = scorer.score(input, output, keep);
    return new Stats(stats.rows(), stats.seconds());
  }

  /** Scores {@code n} rows of {@code data} (row-major, {@code width} features each), as {@link FileScorer#predict}. */
  public float[][] predict(float[] data, int n, int width) {
    return scorer.predict(data, n, width);
  }
}
