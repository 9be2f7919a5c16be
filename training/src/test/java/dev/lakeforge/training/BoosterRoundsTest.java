package dev.lakeforge.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.scala.Booster;
import ml.dmlc.xgboost4j.scala.DMatrix;
import org.junit.jupiter.api.Test;

/** Cutting a booster to its first rounds predicts exactly what the whole booster predicts with those rounds. */
class BoosterRoundsTest {
  @Test
  void theCutBoosterPredictsLikeTheFirstRoundsOfTheWholeOne() throws Exception {
    Random random = new Random(11);
    int rows = 300;
    float[] x = new float[rows * 2];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      x[2 * i] = random.nextFloat();
      x[2 * i + 1] = i % 5 == 0 ? Float.NaN : random.nextFloat();
      y[i] = x[2 * i] + random.nextGaussian() * 0.3 > 0.5 ? 1 : 0;
    }
    ml.dmlc.xgboost4j.java.DMatrix matrix = new ml.dmlc.xgboost4j.java.DMatrix(x, rows, 2, Float.NaN);
    matrix.setLabel(y);
    DMatrix data = new DMatrix(matrix);
    Map<String, Object> params = Map.of("objective", "binary:logistic", "max_depth", 4, "eta", 0.3, "seed", 3);
    Booster whole = new Booster(ml.dmlc.xgboost4j.java.XGBoost.train(matrix, params, 12, Map.of(), null, null));
    Booster cut = BoosterRounds.firstRounds(whole, 5);
    assertEquals(5, cut.getNumBoostedRound());
    assertEquals(12, whole.getNumBoostedRound(), "the whole booster is left as it was");
    float[][] expected = whole.predict(data, true, 5);
    float[][] actual = cut.predict(data, true, 0);
    for (int i = 0; i < rows; i++) {
      assertArrayEquals(expected[i], actual[i], 0f, "row " + i);
    }
    var tooMany = assertThrows(IllegalStateException.class, () -> BoosterRounds.firstRounds(whole, 13));
    assertEquals(true, tooMany.getMessage().contains("has 12 rounds"), tooMany.getMessage());
    cut.dispose();
    whole.dispose();
    data.delete();
  }
}
