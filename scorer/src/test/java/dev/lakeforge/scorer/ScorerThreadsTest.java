package dev.lakeforge.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;

/**
 * Concurrent prediction is only for tree boosters (XGBoost makes their prediction thread-safe); a gblinear booster
 * is scored one batch at a time, with the same values either way. No Spark: boosters trained with xgboost4j here.
 */
class ScorerThreadsTest {
  @Test
  void aLinearBoosterIsScoredOneBatchAtATimeWithTheBoostersOwnValues() throws Exception {
    Path dir = Files.createTempDirectory("threads");
    int n = 300;
    float[] data = new float[n * 2];
    float[] label = new float[n];
    StringBuilder csv = new StringBuilder("a,b\n");
    for (int r = 0; r < n; r++) {
      data[2 * r] = (r % 17) / 4f;
      data[2 * r + 1] = (r % 5) - 2f;
      label[r] = data[2 * r] + data[2 * r + 1] > 2 ? 1 : 0;
      csv.append(data[2 * r]).append(',').append(data[2 * r + 1]).append('\n');
    }
    Files.writeString(dir.resolve("rows.csv"), csv);
    for (String kind : List.of("gblinear", "gbtree")) {
      Path modelDir = Files.createDirectories(dir.resolve(kind));
      DMatrix train = new DMatrix(data, n, 2, Float.NaN);
      train.setLabel(label);
      Booster booster = XGBoost.train(train, new HashMap<>(Map.of("booster", kind, "objective", "binary:logistic",
          "seed", 7)), 10, Map.of(), null, null);
      float[][] expected = booster.predict(train);
      Files.write(modelDir.resolve("model.ubj"), booster.toByteArray("ubj"));
      Files.writeString(modelDir.resolve("model-info.json"), "{\"task\": \"binary\", \"features\": [\"a\", \"b\"]}");

      ScorerModel model = ScorerModel.fromDirectory(modelDir, kind);
      assertEquals(!kind.equals("gblinear"), model.treeBooster(), kind);
      Path out = dir.resolve(kind + ".csv");
      assertEquals(n, new FileScorer(model, 16, 4).score(dir.resolve("rows.csv"), out, List.of()).rows());
      List<String> lines = Files.readAllLines(out);
      assertEquals("prediction,probability", lines.get(0));
      for (int r = 0; r < n; r++) {
        double p = Double.parseDouble(lines.get(r + 1).split(",")[1]);
        assertEquals(expected[r][0], p, 1e-7, kind + " row " + r);
      }
    }
    assertFalse(Files.exists(dir.resolve("gbtree.csv.partial")));
    assertTrue(Files.size(dir.resolve("gblinear.csv")) > 0);
  }
}
