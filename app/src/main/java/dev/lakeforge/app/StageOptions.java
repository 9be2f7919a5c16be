package dev.lakeforge.app;

import dev.lakeforge.core.error.Errors;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * A stage's own command-line options, added to its subcommand as a picocli mixin beside {@link CommonOptions}.
 * {@link #apply} runs before the config is loaded, for options that are config overrides in disguise.
 */
interface StageOptions {
  default void apply(CommonOptions common) {}

  /** For stages whose options are all in the config. */
  final class None implements StageOptions {}

  /** {@code features --set NAME}: one feature set; {@code --set key=value} stays a config override. */
  final class Features implements StageOptions {
    String set;

    @Override
    public void apply(CommonOptions common) {
      List<String> names = common.overrides.stream().filter(o -> !o.contains("=")).toList();
      if (names.size() > 1) {
        throw Errors.usage("Cannot compute feature sets " + names + ": --set NAME names one set",
            "run `lakeforge features` once per set, or without --set NAME for all of them");
      }
      set = names.isEmpty() ? null : names.get(0);
      common.overrides.removeAll(names);
    }
  }

  final class TrainingSet implements StageOptions {
    @Option(names = "--name", paramLabel = "NAME", description = "The training set (default: the one training uses)")
    String name;
  }

  final class Register implements StageOptions {
    @Option(names = "--from", paramLabel = "DIR", description = "Register this model directory (a local path or "
        + "any Hadoop path such as s3a://bucket/models/...) instead of the run date's trained model")
    String from;

    @Option(names = "--force", description = "Move the alias even if the model was not blessed")
    boolean force;

    Optional<String> fromDir() {
      return Optional.ofNullable(from);
    }
  }

  final class Score implements StageOptions {
    @Option(names = "--model", paramLabel = "URI", description = "models:/<name>@<alias> or models:/<name>/<version>; "
        + "default: the registry's model at scoring.alias (or registry.alias)")
    String model;

    @Option(names = "--input", paramLabel = "ROWS", description = "What to score (sets scoring.input): a "
        + "training_sets table, any pin (its rows hold the features), or new rows without labels: a sources entry, a "
        + "lake table such as silver.flights_next@v3, or a Parquet, CSV (with a header) or JSON-lines file; their "
        + "features are built as the model's training set version built them, bad rows quarantined")
    String input;

    @Option(names = "--where", paramLabel = "PREDICATE", description = "Spark SQL predicate choosing the rows, e.g. "
        + "\"date >= '2001-06-15' AND date < '2001-06-16'\" (sets scoring.where; default: the run date's rows)")
    String where;

    @Override
    public void apply(CommonOptions common) {
      if (input != null) {
        common.overrides.add("scoring.input=" + input);
      }
      if (where != null) {
        common.overrides.add("scoring.where=" + where);
      }
    }

    Optional<String> modelUri() {
      return Optional.ofNullable(model);
    }
  }
}
