package dev.lakeforge.scorer;

import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.error.LakeforgeException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lakeforge-score}: the Spark-free scorer's command line. Exit codes as for {@code lakeforge}. */
@Command(name = "lakeforge-score", mixinStandardHelpOptions = true, versionProvider = ScorerMain.Version.class,
    description = "Score a CSV or Parquet file with a Lakeforge XGBoost model, without Spark. Each model feature is "
        + "a column of the file, or is computed from raw columns as the training set computed it (bare columns, "
        + "time parts, and indexes, one_hot, frequencies and target means from the training set's stored "
        + "encodings).")
public final class ScorerMain implements Callable<Integer> {
  /** {@code --version}: the build's version and git revision, as {@code lakeforge --version} prints them. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"lakeforge-score " + dev.lakeforge.core.run.BuildInfo.version() + " (git "
          + dev.lakeforge.core.run.BuildInfo.gitRevision() + ")"};
    }
  }

  @Option(names = "--model", required = true, paramLabel = "DIR|URI",
      description = "A model directory (from lakeforge train) or models:/<name>@<alias> or models:/<name>/<version> "
          + "(MLFLOW_TRACKING_URI names the server)")
  String model;

  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "Rows to score: *.parquet is Parquet, anything else CSV with a header line")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "FILE",
      description = "*.parquet writes Parquet, anything else CSV; written whole, or not at all")
  Path output;

  @Option(names = "--keep", split = ",", paramLabel = "COLUMN",
      description = "Input columns copied to the output (default: every column that is not a feature)")
  List<String> keep;

  @Option(names = "--batch-rows", defaultValue = "10000", description = "Rows per booster call. Default: ${DEFAULT-VALUE}")
  int batchRows;

  @Option(names = "--threads", paramLabel = "N", description = "Batches predicted at once, each on one thread, while "
      + "another thread reads the input. Default: the machine's cores")
  Integer threads;

  @Option(names = "--cache", paramLabel = "DIR", description = "Where registry models are downloaded. Default: "
      + "~/.cache/lakeforge-scorer")
  Path cache;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new ScorerMain());
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      Throwable cause = Errors.unreachableService(e).map(Throwable.class::cast).orElse(e);
      if (cause instanceof LakeforgeException le) {
        System.err.println("lakeforge-score: " + le.kind().label() + ": " + le.getMessage());
        return le.exitCode();
      }
      System.err.println("lakeforge-score: unexpected error: " + e);
      return ErrorKind.UNEXPECTED.exitCode();
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    Path cacheDir = cache != null ? cache : Path.of(System.getProperty("user.home"), ".cache", "lakeforge-scorer");
    ScorerModel loaded = ScorerModel.load(model, System.getenv(), cacheDir);
    FileScorer.Stats stats = new FileScorer(loaded, batchRows,
        threads != null ? threads : Runtime.getRuntime().availableProcessors()).score(input, output, keep);
    System.out.printf("lakeforge-score: %,d rows scored with %s in %.1f s (%,.0f rows/s) -> %s%n", stats.rows(),
        loaded.source(), stats.seconds(), stats.rows() / Math.max(stats.seconds(), 1e-9), output);
    stats.unknownCategories().forEach((feature, n) -> {
      if (n > 0) {
        System.out.printf("lakeforge-score: %,d values of feature '%s' were not seen in training (scored as its "
            + "unknown value: missing for an index, 0 for a frequency, the prior for a target mean)%n", n, feature);
      }
    });
    return 0;
  }
}
