package dev.lakeforge.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.LakeforgeException;
import java.nio.charset.StandardCharsets;
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
 * is scored one batch at a time, with the same values either way. Outputs the run could not write, or that would
 * destroy the input, and batches that cannot be held are refused before any row is read. No Spark: boosters
 * trained with xgboost4j here.
 */
class ScorerThreadsTest {
  static final int ROWS = 300;

  /** Two features a, b; the rows as CSV text and as the booster's float matrix. */
  static final class Toy {
    final float[] data = new float[ROWS * 2];
    final float[] label = new float[ROWS];
    final StringBuilder csv = new StringBuilder("a,b\n");

    Toy() {
      for (int r = 0; r < ROWS; r++) {
        data[2 * r] = (r % 17) / 4f;
        data[2 * r + 1] = (r % 5) - 2f;
        label[r] = data[2 * r] + data[2 * r + 1] > 2 ? 1 : 0;
        csv.append(data[2 * r]).append(',').append(data[2 * r + 1]).append('\n');
      }
    }

    /** Trains a booster of {@code kind}, saves it as a model directory; returns its predictions of the rows. */
    float[][] train(String kind, Path modelDir) throws Exception {
      DMatrix train = new DMatrix(data, ROWS, 2, Float.NaN);
      train.setLabel(label);
      Booster booster = XGBoost.train(train, new HashMap<>(Map.of("booster", kind, "objective", "binary:logistic",
          "seed", 7)), 10, Map.of(), null, null);
      Files.createDirectories(modelDir);
      Files.write(modelDir.resolve("model.ubj"), booster.toByteArray("ubj"));
      Files.writeString(modelDir.resolve("model-info.json"), "{\"task\": \"binary\", \"features\": [\"a\", \"b\"]}");
      return booster.predict(train);
    }
  }

  @Test
  void aLinearBoosterIsScoredOneBatchAtATimeWithTheBoostersOwnValues() throws Exception {
    Path dir = Files.createTempDirectory("threads");
    Toy toy = new Toy();
    Files.writeString(dir.resolve("rows.csv"), toy.csv);
    for (String kind : List.of("gblinear", "gbtree")) {
      float[][] expected = toy.train(kind, dir.resolve(kind));
      ScorerModel model = ScorerModel.fromDirectory(dir.resolve(kind), kind);
      assertEquals(!kind.equals("gblinear"), model.treeBooster(), kind);
      Path out = dir.resolve(kind + ".csv");
      assertEquals(ROWS, new FileScorer(model, 16, 4).score(dir.resolve("rows.csv"), out, List.of()).rows());
      List<String> lines = Files.readAllLines(out);
      assertEquals("prediction,probability", lines.get(0));
      for (int r = 0; r < ROWS; r++) {
        double p = Double.parseDouble(lines.get(r + 1).split(",")[1]);
        assertEquals(expected[r][0], p, 1e-7, kind + " row " + r);
      }
    }
  }

  @Test
  void outputsThatCannotBeWrittenOrWouldDestroyTheInputAndBatchesTooLargeAreRefusedFirst() throws Exception {
    Path dir = Files.createTempDirectory("refused");
    Toy toy = new Toy();
    toy.train("gbtree", dir.resolve("model"));
    ScorerModel model = ScorerModel.fromDirectory(dir.resolve("model"), "toy");
    Path rows = dir.resolve("rows.csv");
    Files.writeString(rows, toy.csv);
    String original = Files.readString(rows);

    LakeforgeException same = assertThrows(LakeforgeException.class,
        () -> new FileScorer(model, 16).score(rows, dir.resolve("./rows.csv"), null));
    assertEquals(ErrorKind.USAGE, same.kind());
    assertTrue(same.getMessage().contains("they are the same file"), same.getMessage());
    Files.createSymbolicLink(dir.resolve("link.csv"), rows);
    assertThrows(LakeforgeException.class, () -> new FileScorer(model, 16).score(dir.resolve("link.csv"), rows, null));
    assertEquals(original, Files.readString(rows), "the input is untouched");

    LakeforgeException noDir = assertThrows(LakeforgeException.class,
        () -> new FileScorer(model, 16).score(rows, dir.resolve("nope/out.csv"), null));
    assertTrue(noDir.getMessage().contains("its directory " + dir.resolve("nope") + " does not exist"),
        noDir.getMessage());
    LakeforgeException isDir = assertThrows(LakeforgeException.class,
        () -> new FileScorer(model, 16).score(rows, dir, null));
    assertTrue(isDir.getMessage().contains("it is a directory"), isDir.getMessage());

    for (int[] asked : new int[][] {{10_000, 100_000}, {2_000_000_000, 1}}) {
      LakeforgeException tooLarge = assertThrows(LakeforgeException.class,
          () -> new FileScorer(model, asked[0], asked[1]).score(rows, dir.resolve("big.csv"), null));
      assertEquals(ErrorKind.USAGE, tooLarge.kind());
      assertTrue(tooLarge.getMessage().contains("Cannot score with --batch-rows " + asked[0] + " and --threads "
          + asked[1]), tooLarge.getMessage());
      assertFalse(Files.exists(dir.resolve("big.csv")));
      assertFalse(Files.exists(dir.resolve("big.csv.partial")));
    }

    LakeforgeException dirIn = assertThrows(LakeforgeException.class,
        () -> new FileScorer(model, 16).score(dir.resolve("model"), dir.resolve("o.csv"), null));
    assertTrue(dirIn.getMessage().contains("model: it is a directory"), dirIn.getMessage());
    Files.writeString(dir.resolve("semicolons.csv"), toy.csv.toString().replace(',', ';'));
    LakeforgeException semicolons = assertThrows(LakeforgeException.class,
        () -> new FileScorer(model, 16).score(dir.resolve("semicolons.csv"), dir.resolve("o.csv"), null));
    assertTrue(semicolons.getMessage().contains("its header is one column, 'a;b': the scorer reads comma-separated"),
        semicolons.getMessage());
    Files.copy(rows, dir.resolve("not.parquet"));
    LakeforgeException notParquet = assertThrows(LakeforgeException.class,
        () -> new FileScorer(model, 16).score(dir.resolve("not.parquet"), dir.resolve("o.csv"), null));
    assertTrue(notParquet.getMessage().contains(dir.resolve("not.parquet") + " is not a Parquet file"),
        notParquet.getMessage());
    assertFalse(notParquet.getMessage().contains("LocalInputFile@"), notParquet.getMessage());

    // A spreadsheet's byte-order mark is not part of the first column's name.
    Files.write(dir.resolve("bom.csv"), ("\uFEFF" + toy.csv).getBytes(StandardCharsets.UTF_8));
    assertEquals(ROWS, new FileScorer(model, 16).score(dir.resolve("bom.csv"), dir.resolve("bom-out.csv"), null)
        .rows());
    assertEquals(Files.readString(dir.resolve("bom-out.csv")),
        Files.readString(scored(model, rows, dir.resolve("plain-out.csv"))));
  }

  private static Path scored(ScorerModel model, Path rows, Path out) {
    new FileScorer(model, 16).score(rows, out, null);
    return out;
  }
}
