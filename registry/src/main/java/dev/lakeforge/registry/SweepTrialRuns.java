package dev.lakeforge.registry;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.training.ModelDirectory;
import dev.lakeforge.training.SweepStage;
import dev.lakeforge.training.TrainStage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;

/**
 * A swept model's trials as MLflow child runs of its registered run ({@code mlflow.parentRunId}), so the MLflow UI
 * shows the sweep under the model: each trial's params, rounds, metric, seconds and status. The trials are read
 * from the exact {@code training.trials} version the sweep wrote.
 */
final class SweepTrialRuns {
  static final String TAG_PARENT = "mlflow.parentRunId";
  private static final TypeReference<Map<String, Object>> PARAMS = new TypeReference<>() {};

  private SweepTrialRuns() {}

  /** Logs the trials when {@code model} came from this run date's sweep; returns how many. */
  static int log(RunContext context, MlflowClient mlflow, String experimentId, String parentRunId,
      ModelDirectory model) {
    String dir = model.root();
    Optional<StageResult> sweep = context.manifests().find(SweepStage.NAME)
        .filter(s -> dir.equals(s.output(TrainStage.MODEL_DIR)));
    Optional<TableVersion> trials = sweep.flatMap(s -> s.writes().stream()
        .filter(t -> t.table().equals(SweepStage.TRIALS.toString())).findFirst());
    if (trials.isEmpty()) {
      return 0;
    }
    List<Row> rows = context.lake().read(TableRef.parse(trials.get().table() + "@v" + trials.get().version())).rows()
        .filter(col("sweep_id").equalTo(sweep.get().runId())).orderBy("trial").collectAsList();
    ObjectMapper json = new ObjectMapper();
    for (Row t : rows) {
      int trial = t.getAs("trial");
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put(TAG_PARENT, parentRunId);
      tags.put("lakeforge.sweep_id", sweep.get().runId());
      tags.put("lakeforge.trial", String.valueOf(trial));
      tags.put("lakeforge.rung", String.valueOf((Integer) t.getAs("rung")));
      tags.put("lakeforge.best", String.valueOf((Boolean) t.getAs("best")));
      String runId = mlflow.createRun(experimentId, "trial-" + trial, tags).path("info").path("run_id").asText();
      Map<String, String> params = new LinkedHashMap<>();
      try {
        json.readValue((String) t.getAs("params"), PARAMS).forEach((k, v) -> params.put(k, String.valueOf(v)));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the params of trial " + trial + " in " + trials.get(), e);
      }
      params.put("rounds", String.valueOf((Integer) t.getAs("rounds")));
      Map<String, Double> metrics = new LinkedHashMap<>();
      Double value = t.getAs("value");
      if (value != null) {
        metrics.put(t.getAs("metric"), value);
      }
      metrics.put("seconds", t.getAs("seconds"));
      mlflow.logBatch(runId, params, metrics, Map.of("lakeforge.status", t.getAs("status")));
      mlflow.finishRun(runId, "completed".equals(t.getAs("status")) ? "FINISHED" : "FAILED");
    }
    return rows.size();
  }
}
