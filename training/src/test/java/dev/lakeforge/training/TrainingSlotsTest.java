package dev.lakeforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lakeforge.core.config.SplitConfig;
import dev.lakeforge.core.config.TrainingConfig;
import dev.lakeforge.core.testing.SharedSpark;
import org.junit.jupiter.api.Test;

class TrainingSlotsTest {
  private static TrainingConfig training(Integer workers, Integer threads) {
    return new TrainingConfig(null, null, null, null, new SplitConfig("random", null, null, null, 0.2, 1L, null),
        null, null, null, null, workers, threads, null);
  }

  @Test
  void unsetWorkersTakeEveryTaskSlotOfTheSessionAndTrialsOneEach() {
    // The shared test session is local[2] with spark.task.cpus 1.
    assertEquals(new TrainingSlots(2, 1), TrainingSlots.forOneFit(training(null, null), SharedSpark.get()));
    assertEquals(new TrainingSlots(1, 1), TrainingSlots.forTrials(training(null, null), SharedSpark.get()));
  }

  @Test
  void configuredWorkersAndThreadsAreKept() {
    assertEquals(new TrainingSlots(3, 1), TrainingSlots.forOneFit(training(3, null), SharedSpark.get()));
    assertEquals(new TrainingSlots(1, 1), TrainingSlots.forTrials(training(null, 1), SharedSpark.get()));
  }

  @Test
  void aLocalMastersCoresAreReadFromItsName() {
    assertEquals(1, TrainingSlots.localCores("local"));
    assertEquals(4, TrainingSlots.localCores("local[4]"));
    assertEquals(3, TrainingSlots.localCores("local[3,2]"));
    assertEquals(Runtime.getRuntime().availableProcessors(), TrainingSlots.localCores("local[*]"));
    assertNull(TrainingSlots.localCores("spark://127.0.0.1:7077"));
  }
}
