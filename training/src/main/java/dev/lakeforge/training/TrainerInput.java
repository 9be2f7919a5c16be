package dev.lakeforge.training;

import dev.lakeforge.core.config.EarlyStoppingConfig;
import dev.lakeforge.core.config.TaskKind;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a trainer fits on: raw feature columns (any numeric type, null = missing) and the label.
 *
 * @param validation     rows for early stopping and per-iteration curves; null when there are none
 * @param weightColumn   per-row weight (class balancing); null for none
 * @param earlyStopping  null for none
 * @param device         cpu or cuda, already resolved against the hardware
 * @param featureArray   give XGBoost the features as a column array (the GPU path) instead of one vector column
 */
public record TrainerInput(Dataset<Row> training, Dataset<Row> validation, List<String> features, String label,
    TaskKind task, String weightColumn, EarlyStoppingConfig earlyStopping, int workers, int threadsPerWorker,
    String device, boolean featureArray) {
  public TrainerInput {
    features = List.copyOf(features);
  }

}
