package dev.lakeforge.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.testing.ToyPipeline;
import dev.lakeforge.training.TrainStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 26, case 4: a model trained on labels 1, 2, 3 predicts 1, 2, 3 from the Spark-free scorer, not 0, 1, 2. */
class MulticlassLabelScorerTest {
  @Test
  void predictionsAreTheLabelValues() throws Exception {
    Path tmp = Files.createTempDirectory("lakeforge-classes");
    RunContext ctx = ToyPipeline.threeClasses("multiclass", "CAST(cls AS DOUBLE)", tmp);
    Path modelDir = Path.of(ctx.runStage(new TrainStage()).output(TrainStage.MODEL_DIR));

    Path csv = tmp.resolve("in.csv");
    Files.writeString(csv, "id,x\na,0.1\nb,0.5\nc,0.9\n");
    ScorerModel model = ScorerModel.fromDirectory(modelDir, "classes");
    assertEquals(List.of("1.0", "2.0", "3.0"), model.classes());
    Path out = tmp.resolve("out.csv");
    new CsvScorer(model, 10).score(csv, out, null);
    List<String> lines = Files.readAllLines(out);
    assertEquals(List.of("a", "1.0"), CsvLine.parse(lines.get(1)).subList(0, 2));
    assertEquals(List.of("b", "2.0"), CsvLine.parse(lines.get(2)).subList(0, 2));
    assertEquals(List.of("c", "3.0"), CsvLine.parse(lines.get(3)).subList(0, 2));
    assertEquals(3, CsvLine.parse(lines.get(3)).get(2).split(",").length, "three class probabilities, not four");
  }

  @Test
  void aStringLabelsPredictionsAreItsClassNames() throws Exception {
    Path tmp = Files.createTempDirectory("lakeforge-weather");
    RunContext ctx = ToyPipeline.threeClasses("multiclass", "element_at(array('sun', 'fog', 'rain'), cls)", tmp);
    ScorerModel model = ScorerModel.fromDirectory(Path.of(ctx.runStage(new TrainStage()).output(TrainStage.MODEL_DIR)),
        "weather");
    assertEquals(List.of("fog", "rain", "sun"), model.classes());
    Path csv = tmp.resolve("in.csv");
    Files.writeString(csv, "id,x\na,0.1\nb,0.5\nc,0.9\n");
    Path out = tmp.resolve("out.csv");
    new CsvScorer(model, 10).score(csv, out, null);
    List<String> lines = Files.readAllLines(out);
    assertEquals(List.of("sun", "fog", "rain"), lines.subList(1, 4).stream().map(l -> CsvLine.parse(l).get(1))
        .toList(), "x 0.1, 0.5, 0.9 are classes 1, 2, 3 of the source: sun, fog, rain");
  }
}
