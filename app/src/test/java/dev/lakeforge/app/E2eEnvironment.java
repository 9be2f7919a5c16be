package dev.lakeforge.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the end-to-end tests need, started by scripts/test.sh: the flights data, a real MLflow server, and the
 * spark-submit of the pyspark package. A missing piece fails the test with the reason, never skips it.
 */
final class E2eEnvironment {
  private E2eEnvironment() {}

  static String require(String name, String what) {
    String value = System.getenv(name);
    assertTrue(value != null && !value.isBlank(), name + " is not set: " + what + " (scripts/test.sh sets it)");
    return value;
  }

  static Path flights() {
    Path file = SharedSpark.repoRoot().resolve("data/raw/flights-3m.parquet");
    assertTrue(Files.isRegularFile(file), file + " is missing: run scripts/fetch-data.sh");
    return file;
  }

  /** A fixed sample of about 1/{@code every} of the rows, chosen by a hash of the row so it never varies. */
  static void sample(Path parquet, int every, Path target) {
    SharedSpark.get().read().parquet(parquet.toString())
        .filter("pmod(xxhash64(date, delay, distance, origin, destination), " + every + ") = 0")
        .coalesce(1).write().parquet(target.toString());
  }

  static Path repo() {
    return SharedSpark.repoRoot();
  }
}
