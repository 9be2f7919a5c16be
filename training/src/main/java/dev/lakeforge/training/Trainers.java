package dev.lakeforge.training;

import dev.lakeforge.core.error.Errors;
import java.util.List;

/** The trainers by their {@code training.algorithm} name. */
public final class Trainers {
  private static final List<Trainer> ALL = List.of(new XGBoostTrainer(), new GbtTrainer(), new RandomForestTrainer(),
      new LogisticRegressionTrainer(), new LinearRegressionTrainer());

  private Trainers() {}

  public static Trainer forAlgorithm(String algorithm) {
    return ALL.stream().filter(t -> t.algorithm().equals(algorithm)).findFirst()
        .orElseThrow(() -> Errors.configInvalid("training.algorithm", "'" + algorithm + "' is not a trainer; known: "
            + String.join(", ", ALL.stream().map(Trainer::algorithm).toList())));
  }
}
