package dev.lakeforge.core.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A hyperparameter search for {@code lakeforge sweep}. The space maps a parameter to exactly one of
 * {@code choice: [..]}, {@code uniform: [lo, hi]}, {@code log_uniform: [lo, hi]} or {@code int: [lo, hi]};
 * parameters not in the space keep their {@code training.params} value.
 *
 * @param strategy    grid (every combination of the choices), random, or halving (successive halving: many
 *                    configs at {@code min_rounds}, keep the best 1/{@code reduction}, multiply the rounds by
 *                    {@code reduction}, until {@code max_rounds})
 * @param metric      validation metric to maximise or minimise: auc_roc, auc_pr, log_loss (binary), f1, accuracy,
 *                    log_loss (multiclass), rmse, mae, r2 (regression); default auc_roc / log_loss / rmse
 * @param trials      configs to draw for random and halving; default 16
 * @param seed        seed of the random draws; default 42
 * @param minRounds   rounds of the first halving rung; default 10
 * @param maxRounds   rounds of the last halving rung and of the final model; default the round count in params
 * @param reduction   halving's keep-1-in-N factor; default 3
 * @param parallelism trials run at once; default: Spark's task slots ÷ (workers × threads per worker), or one per
 *                    GPU under the gpu profile
 * @param sample      share of the training rows trials fit on (seeded); the best config is then retrained on all
 *                    of them; default 1.0
 * @param budget      stop launching trials after this many trials, total boosting rounds or seconds
 */
public record SweepConfig(String strategy, Map<String, SearchDimension> space, String metric, Integer trials,
    Long seed, Integer minRounds, Integer maxRounds, Integer reduction, Integer parallelism, Double sample,
    Budget budget) {

  /** One parameter's range: exactly one of the keys. */
  public record SearchDimension(List<Object> choice, List<Double> uniform, List<Double> logUniform,
      @com.fasterxml.jackson.annotation.JsonProperty("int") List<Long> intRange) {
    public SearchDimension {
      int given = (choice != null ? 1 : 0) + (uniform != null ? 1 : 0) + (logUniform != null ? 1 : 0)
          + (intRange != null ? 1 : 0);
      if (given != 1) {
        throw new IllegalArgumentException("a search dimension needs exactly one of choice, uniform, log_uniform, int");
      }
      if (choice != null) {
        Require.notEmpty(choice, "choice");
      }
      for (List<? extends Number> range : java.util.Arrays.asList(uniform, logUniform, intRange)) {
        if (range != null && (range.size() != 2 || range.get(0).doubleValue() > range.get(1).doubleValue())) {
          throw new IllegalArgumentException("a range needs two bounds [low, high] with low <= high, got " + range);
        }
      }
      if (logUniform != null && logUniform.get(0) <= 0) {
        throw new IllegalArgumentException("log_uniform bounds must be above 0, got " + logUniform);
      }
    }
  }

  /** Limits on the whole sweep; absent means unlimited. */
  public record Budget(Integer trials, Long rounds, Long seconds) {}

  public SweepConfig {
    strategy = Require.oneOf(Require.orDefault(strategy, "halving"), "strategy", Set.of("grid", "random", "halving"));
    space = Map.copyOf(Require.orDefault(space, Map.of()));
    if (space.isEmpty()) {
      throw new IllegalArgumentException("key 'space' needs at least one parameter");
    }
    trials = Require.orDefault(trials, 16);
    seed = Require.orDefault(seed, 42L);
    minRounds = Require.orDefault(minRounds, 10);
    reduction = Require.orDefault(reduction, 3);
    sample = Require.orDefault(sample, 1.0);
    if (sample <= 0 || sample > 1) {
      throw new IllegalArgumentException("key 'sample' is " + sample + " but must be in (0, 1]");
    }
    budget = Require.orDefault(budget, new Budget(null, null, null));
    if (trials < 1 || minRounds < 1 || reduction < 2) {
      throw new IllegalArgumentException("keys 'trials' and 'min_rounds' must be at least 1 and 'reduction' at least 2");
    }
    if ("grid".equals(strategy)) {
      space.forEach((name, dim) -> {
        if (dim.choice() == null) {
          throw new IllegalArgumentException("a grid sweep needs 'choice' lists; parameter '" + name + "' has a range");
        }
      });
    }
  }
}
