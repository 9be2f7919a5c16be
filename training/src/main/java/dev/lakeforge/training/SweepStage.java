package dev.lakeforge.training;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.config.SweepConfig;
import dev.lakeforge.core.config.TrainingConfig;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.RunDate;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lakeforge sweep}: tries configs from {@code training.sweep} on the training split, ranks them on the
 * validation split, records every trial in {@code training.trials}, and retrains the best config on all training
 * rows into a model directory, as {@code train} would. Trials run in parallel up to the task slots.
 *
 * <p>Successive halving is synchronous (SHA): every config of a rung finishes before the best 1/reduction go on to
 * reduction× the rounds, each retrained from scratch. Grid and random run every config once at max_rounds.
 */
public final class SweepStage implements Stage {
  public static final String NAME = "sweep";
  public static final TableRef TRIALS = TableRef.of("training", "trials");
  private static final Logger LOG = LoggerFactory.getLogger(SweepStage.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final StructType TRIALS_SCHEMA = new StructType()
      .add(RunDate.COLUMN, DataTypes.DateType).add("sweep_id", DataTypes.StringType)
      .add("trial", DataTypes.IntegerType).add("config", DataTypes.IntegerType)
      .add("rung", DataTypes.IntegerType).add("rounds", DataTypes.IntegerType)
      .add("params", DataTypes.StringType).add("metric", DataTypes.StringType)
      .add("value", DataTypes.DoubleType).add("seconds", DataTypes.DoubleType)
      .add("status", DataTypes.StringType).add("best", DataTypes.BooleanType);

  /** One fit of one config at one rung. */
  record Trial(int trial, int config, int rung, int rounds, Map<String, Object> params, Double value, double seconds,
      String status) {
    boolean completed() {
      return "completed".equals(status);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext context) {
    TrainingConfig training = context.config().training();
    SweepConfig sweep = training.sweep();
    if (sweep == null) {
      throw Errors.usage("Cannot sweep: the config has no training.sweep section",
          "add training.sweep with a strategy and a search space (see conf/pipelines/flights.yaml), or run train");
    }
    StageResult.Builder result = context.result(NAME);
    Trainer trainer = Trainers.forAlgorithm(training.algorithm());
    List<Map<String, Object>> configs = SearchSpace.configs(sweep);
    for (Map<String, Object> config : configs) { // every point is checked before any data is read
      trainer.check(merged(training.params(), config, trainer, 1), training.taskKind());
    }
    TrialMetric metric = TrialMetric.of(sweep.metric(), training.taskKind(), dev.lakeforge.features.FeatureTable.LABEL);
    int maxRounds = maxRounds(sweep, training, trainer);

    TrainingSlots slots = TrainingSlots.forTrials(training, context.spark());
    try (PreparedTraining prepared = PreparedTraining.prepare(context, result, slots)) {
      if (prepared.input.validation() == null) {
        throw Errors.featureInput(prepared.table.version().toString(), "has no rows in the validation split",
            "a sweep ranks configs on validation rows: check training.split");
      }
      TrainerInput trialInput = trialInput(prepared.input, sweep);
      Dataset<Row> validation = prepared.input.validation();
      int parallelism = parallelism(context, sweep, slots);
      Budget budget = new Budget(sweep.budget());
      List<Trial> trials = new ArrayList<>();
      List<Integer> alive = new ArrayList<>();
      for (int i = 0; i < configs.size(); i++) {
        alive.add(i);
      }
      int rounds = "halving".equals(sweep.strategy()) ? Math.min(sweep.minRounds(), maxRounds) : maxRounds;
      ExecutorService pool = Executors.newFixedThreadPool(parallelism);
      try {
        for (int rung = 0; !alive.isEmpty(); rung++) {
          List<Trial> rungTrials = runRung(pool, trainer, trialInput, validation, training, configs, alive, rung,
              rounds, trials.size(), metric, budget);
          trials.addAll(rungTrials);
          if (!"halving".equals(sweep.strategy()) || rounds >= maxRounds) {
            break;
          }
          int keep = Math.max(1, (int) Math.ceil(alive.size() / (double) sweep.reduction()));
          alive = rungTrials.stream().filter(Trial::completed)
              .sorted(Comparator.comparingDouble((Trial t) -> metric.largerIsBetter() ? -t.value() : t.value()))
              .limit(keep).map(Trial::config).toList();
          rounds = Math.min(rounds * sweep.reduction(), maxRounds);
        }
      } finally {
        pool.shutdownNow();
      }

      Trial best = best(trials, metric).orElseThrow(() -> Errors.featureInput(prepared.table.version().toString(),
          "gave no completed trial (" + trials.size() + " tried; see " + TRIALS + ")",
          "look at the trials' status, widen training.sweep.budget or fix the search space"));
      writeTrials(context, result, trials, best, metric);
      Map<String, Object> bestParams = merged(training.params(), configs.get(best.config()), trainer, maxRounds);
      LOG.info("Best of {} trials: config {} with {} = {}; retraining on all training rows", trials.size(),
          best.config(), metric.name, best.value());
      prepared.device.cpuBecause().ifPresent(why -> result.output("gpu_fallback", why));
      String dir = TrainStage.modelPath(context, "-sweep");
      ModelDirectory out = prepared.fitAndSave(context, bestParams, dir);
      return result.metric("trials", trials.size())
          .metric("trials_completed", trials.stream().filter(Trial::completed).count())
          .metric("rounds_spent", trials.stream().filter(Trial::completed).mapToLong(Trial::rounds).sum())
          .metric("best_" + metric.name, best.value())
          .metric("training_rows", prepared.trainingRows)
          .output(TrainStage.MODEL_DIR, out.root())
          .output(TrainStage.TRAINING_SET, prepared.table.version().toString())
          .output("best_params", json(bestParams))
          .build();
    }
  }

  private List<Trial> runRung(ExecutorService pool, Trainer trainer, TrainerInput input, Dataset<Row> validation,
      TrainingConfig training, List<Map<String, Object>> configs, List<Integer> alive, int rung, int rounds,
      int numberedFrom, TrialMetric metric, Budget budget) {
    List<Future<Trial>> futures = new ArrayList<>();
    for (int i = 0; i < alive.size(); i++) {
      int trialNumber = numberedFrom + i;
      int config = alive.get(i);
      Map<String, Object> params = merged(training.params(), configs.get(config), trainer, rounds);
      futures.add(pool.submit(() -> runTrial(trainer, input, validation, params, trialNumber, config, rung, rounds,
          metric, budget)));
    }
    List<Trial> done = new ArrayList<>();
    for (Future<Trial> future : futures) {
      try {
        done.add(future.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Sweep interrupted", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      }
    }
    return done;
  }

  private static Trial runTrial(Trainer trainer, TrainerInput input, Dataset<Row> validation,
      Map<String, Object> params, int trial, int config, int rung, int rounds, TrialMetric metric, Budget budget) {
    String refused = budget.admit(rounds);
    if (refused != null) {
      return new Trial(trial, config, rung, rounds, params, null, 0, "skipped: " + refused);
    }
    long started = System.nanoTime();
    try {
      double value;
      try (TrainedModel model = trainer.fit(input, params)) {  // a trial's model is only scored, never kept
        value = metric.evaluate(SparkModels.transform(model.sparkModel(), validation, input.features()));
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      LOG.info("Trial {} (config {}, rung {}, {} rounds): {} = {} in {} s", trial, config, rung, rounds, metric.name,
          value, String.format("%.1f", seconds));
      return new Trial(trial, config, rung, rounds, params, value, seconds, "completed");
    } catch (LakeforgeException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("Trial {} (config {}) failed: {}", trial, config, e.toString());
      return new Trial(trial, config, rung, rounds, params, null, (System.nanoTime() - started) / 1e9,
          "failed: " + e.getMessage());
    }
  }

  /** The best completed trial of the highest rung that completed any: later rungs ran more rounds. */
  static java.util.Optional<Trial> best(List<Trial> trials, TrialMetric metric) {
    int top = trials.stream().filter(Trial::completed).mapToInt(Trial::rung).max().orElse(-1);
    return trials.stream().filter(t -> t.completed() && t.rung() == top)
        .reduce((a, b) -> metric.better(b.value(), a.value()) ? b : a);
  }

  static Map<String, Object> merged(Map<String, Object> base, Map<String, Object> config, Trainer trainer,
      int rounds) {
    Map<String, Object> params = new LinkedHashMap<>(base);
    params.putAll(config);
    params.put(trainer.roundsParam(), rounds);
    return params;
  }

  private static int maxRounds(SweepConfig sweep, TrainingConfig training, Trainer trainer) {
    if (sweep.maxRounds() != null) {
      return sweep.maxRounds();
    }
    Object configured = training.params().get(trainer.roundsParam());
    return configured instanceof Number n ? n.intValue() : trainer.defaultRounds();
  }

  /**
   * What trials fit on: a seeded sample of the training rows when configured, and the validation rows only when
   * early stopping needs them (per-round evaluation is otherwise wasted on trials; the metric is computed after).
   */
  private static TrainerInput trialInput(TrainerInput input, SweepConfig sweep) {
    Dataset<Row> training = sweep.sample() >= 1.0 ? input.training()
        : input.training().sample(false, sweep.sample(), sweep.seed());
    return new TrainerInput(training, input.earlyStopping() == null ? null : input.validation(),
        input.features(), input.label(), input.task(), input.weightColumn(), input.earlyStopping(), input.workers(),
        input.threadsPerWorker(), input.device(), input.featureArray());
  }

  /**
   * Trials at once: one per GPU under the RAPIDS profile (two XGBoost processes on one CUDA device fail), else
   * the task slots divided by the slots one trial's workers take.
   */
  static int parallelism(RunContext context, SweepConfig sweep, TrainingSlots slots) {
    if (sweep.parallelism() != null) {
      return Math.max(1, sweep.parallelism());
    }
    return Math.max(1, TrainingSlots.taskSlots(context.spark()) / slots.workers());
  }

  private void writeTrials(RunContext context, StageResult.Builder result, List<Trial> trials, Trial best,
      TrialMetric metric) {
    List<Row> rows = new ArrayList<>();
    for (Trial t : trials) {
      rows.add(RowFactory.create(RunDate.value(context.runDate()), context.runId(), t.trial(), t.config(), t.rung(),
          t.rounds(), json(t.params()), metric.name, t.value(), t.seconds(), t.status(), t == best));
    }
    Dataset<Row> frame = context.spark().createDataFrame(rows, TRIALS_SCHEMA).orderBy(col("trial"));
    result.wrote(context.lake().write(frame, TableWrite.replaceRunDate(TRIALS, context.runDate()))
        .version());
  }

  private static String json(Map<String, Object> params) {
    try {
      return JSON.writeValueAsString(new java.util.TreeMap<>(params));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Admits trials while the sweep's trial, round and time limits hold. */
  static final class Budget {
    private final SweepConfig.Budget limits;
    private final long started = System.nanoTime();
    private final AtomicInteger trials = new AtomicInteger();
    private final AtomicLong rounds = new AtomicLong();

    Budget(SweepConfig.Budget limits) {
      this.limits = limits;
    }

    /** Null when the trial may run, else which limit it would break. */
    synchronized String admit(int trialRounds) {
      if (limits.trials() != null && trials.get() >= limits.trials()) {
        return "budget of " + limits.trials() + " trials spent";
      }
      if (limits.rounds() != null && rounds.get() + trialRounds > limits.rounds()) {
        return "budget of " + limits.rounds() + " rounds spent";
      }
      if (limits.seconds() != null && (System.nanoTime() - started) / 1e9 > limits.seconds()) {
        return "budget of " + limits.seconds() + " s spent";
      }
      trials.incrementAndGet();
      rounds.addAndGet(trialRounds);
      return null;
    }
  }
}
