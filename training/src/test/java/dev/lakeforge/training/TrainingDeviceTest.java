package dev.lakeforge.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.error.LakeforgeException;
import dev.lakeforge.core.testing.SharedSpark;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.Params;
import org.junit.jupiter.api.Test;

class TrainingDeviceTest {
  @Test
  void withoutRapidsAutoFallsBackToCpuAndCudaIsRefused() {
    var spark = SharedSpark.get(); // a CPU session: no RAPIDS plugin
    TrainingDevice auto = TrainingDevice.choose("auto", "gpu", spark, c -> true);
    assertEquals("cpu", auto.device());
    assertTrue(auto.cpuBecause().orElseThrow().contains("does not run the RAPIDS Accelerator"));
    assertEquals(TrainingDevice.CPU, TrainingDevice.choose("auto", "local", spark, c -> true));
    assertEquals(TrainingDevice.CPU, TrainingDevice.choose("cpu", "gpu", spark, c -> true));
    var demanded = assertThrows(LakeforgeException.class, () -> TrainingDevice.choose("cuda", "gpu", spark, c -> true));
    assertEquals(2, demanded.kind().exitCode());
    assertTrue(demanded.getMessage().startsWith("Cannot train on a GPU: training.device is cuda but"),
        demanded.getMessage());
  }

  /** What XGBoost gets on a GPU, per XGBoost's GPU docs: device=cuda, hist, and the features as a column array. */
  @Test
  void onCudaXGBoostGetsTheFeatureColumnsNotAVector() {
    var input = new TrainerInput(TrainersTest.rows(10, 1), null, List.of("x", "w", "z"), "binary", TaskKind.BINARY, null,
        null, 2, 4, "cuda", true);
    Params estimator = new XGBoostTrainer().configure(input, Map.of("num_round", 50));
    assertEquals("cuda", value(estimator, "device"));
    assertEquals("hist", value(estimator, "tree_method"));
    assertEquals(2, value(estimator, "num_workers"));
    assertArrayEquals(new String[] {"x", "w", "z"}, (String[]) value(estimator, "features_cols"));
    assertEquals(50, value(estimator, "num_round"));
  }

  private static Object value(Params estimator, String name) {
    return estimator.getOrDefault(estimator.getParam(EstimatorParams.sparkName(estimator, name, Map.of())));
  }
}
