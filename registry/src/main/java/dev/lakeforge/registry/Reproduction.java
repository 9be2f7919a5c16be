package dev.lakeforge.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.config.PipelineConfig;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.core.run.Stage;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.training.ModelStore;
import dev.lakeforge.training.RegisteredModel;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.TrainStage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code lakeforge reproduce models:/<name>/<version>}: retrains a registered model from what its registration
 * recorded and says whether the booster came out byte for byte the same. The recorded run's params hold the
 * effective config it was trained with; its {@code training.*} keys replace the current config's training section
 * whole, the training set is pinned to the version in the model's lineage (Delta time travel), and the run date is
 * the recorded one.
 *
 * @param overrides {@code --set} overrides that restore the recorded training config
 */
public record Reproduction(RegisteredModel registered, List<String> overrides, LocalDate runDate,
    String trainingSet) {
  public static final String NAME = "reproduce";
  public static final String IDENTICAL = "identical_booster";

  public static Reproduction plan(PipelineConfig config, Map<String, String> env, dev.lakeforge.core.mlflow.ModelUri uri) {
    ModelStore models = ModelStore.withoutSession(config, env);
    MlflowClient mlflow = models.registry();
    RegisteredModel registered = models.resolve(uri);
    ModelDirectory.Info info = registered.directory().info();
    JsonNode run = mlflow.getRun(registered.runId());
    List<String> overrides = new ArrayList<>(List.of("training=null"));
    String runDate = null;
    for (JsonNode p : run.path("data").path("params")) {
      String key = p.path("key").asText();
      if (key.startsWith("training.") && !key.startsWith("training.sweep.")
          && !key.equals("training.training_set_version")) {
        if (key.matches(".*\\.\\d+(\\..*)?")) {
          throw Errors.usage("Cannot reproduce " + uri + ": its training config has a list (" + key + "), which "
              + "--set overrides cannot restore", "retrain it with `lakeforge train` and the recorded config");
        }
        overrides.add(key + "=" + p.path("value").asText());
      }
    }
    for (JsonNode t : run.path("data").path("tags")) {
      if (t.path("key").asText().equals("lakeforge.run_date")) {
        runDate = t.path("value").asText();
      }
    }
    if (overrides.size() == 1 || runDate == null) {
      throw Errors.usage("Cannot reproduce " + uri + ": its run " + registered.runId() + " has no recorded training "
          + "config or run date", "register models with `lakeforge register`, which records both");
    }
    TableRef trained = TableRef.parse(info.trainingSet());
    if (trained.version() == null) {
      throw Errors.usage("Cannot reproduce " + uri + ": it does not record which version of " + trained.table()
          + " it was trained on", "retrain and register it again");
    }
    // The training set is named by the recorded config; its version comes from the model's lineage.
    overrides.add("training.training_set_version=" + trained.version());
    return new Reproduction(registered, List.copyOf(overrides), LocalDate.parse(runDate), info.trainingSet());
  }

  /** The stage that runs after {@code train}: compares the new booster with the registered one. */
  public Stage check() {
    return new Stage() {
      @Override
      public String name() {
        return NAME;
      }

      @Override
      public StageResult run(RunContext context) {
        ModelDirectory retrained = new ModelDirectory(context.storage(), context.manifests()
            .require(TrainStage.NAME, "the retrained model").output(TrainStage.MODEL_DIR));
        ModelDirectory original = registered.directory();
        boolean identical = sameBooster(original, retrained);
        return context.result(NAME)
            .metric(IDENTICAL, identical)
            .output("registered", registered.label() + " (" + original.root() + ")")
            .output("retrained", retrained.root())
            .output("training_set", retrained.info().trainingSet() + " (registered: " + trainingSet + ")")
            .build();
      }
    };
  }

  /** Byte equality of the native booster, UBJ when both have it, else the JSON form the registry keeps. */
  static boolean sameBooster(ModelDirectory a, ModelDirectory b) {
    for (String file : List.of(ModelDirectory.BOOSTER_UBJ, ModelDirectory.BOOSTER_JSON)) {
      if (a.has(file) && b.has(file)) {
        return Arrays.equals(a.storage().read(a.file(file)), b.storage().read(b.file(file)));
      }
    }
    throw Errors.usage("Cannot compare the retrained model with " + a.root() + ": one of them has no XGBoost booster",
        "reproduce XGBoost models (MLlib models keep only their Spark model)");
  }
}
