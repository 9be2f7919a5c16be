package dev.lakeforge.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.error.LakeforgeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each task's label domain, without Spark: the classes learnt, and the refusals with the values found. */
class LabelClassesTest {
  static final String TABLE = "training_sets.t@v3";

  static LakeforgeException refused(Map<Double, Long> train, Map<Double, Long> valid, TaskKind task) {
    LakeforgeException e = assertThrows(LakeforgeException.class, () -> LabelClasses.check(train, valid, task, TABLE));
    assertEquals(3, e.kind().exitCode(), e.getMessage());
    return e;
  }

  @Test
  void classesAreTheTrainingValuesInOrder() {
    assertEquals(List.of(1.0, 2.0, 3.0), LabelClasses.check(Map.of(3.0, 5L, 1.0, 4L, 2.0, 1L), Map.of(2.0, 3L),
        TaskKind.MULTICLASS, TABLE).values());
    assertEquals(List.of(0.0, 1.0), LabelClasses.check(Map.of(0.0, 5L, 1.0, 4L), Map.of(1.0, 3L), TaskKind.BINARY, TABLE)
        .values());
    assertNull(LabelClasses.check(Map.of(0.0, 9L), Map.of(), TaskKind.REGRESSION, TABLE));
    assertTrue(LabelClasses.of(List.of(0.0, 1.0, 2.0)).identity());
    assertTrue(!LabelClasses.of(List.of(1.0, 2.0, 3.0)).identity());
    assertTrue(!LabelClasses.of(List.of(0.0, 2.0)).identity(), "a gap is a mapping too, else class 1 would be empty");
    assertEquals(List.of("1", "2", "3"), LabelClasses.of(List.of(1.0, 2.0, 3.0)).names());
  }

  @Test
  void aStringLabelsClassesAreItsNamesInOrder() {
    LabelClasses weather = LabelClasses.checkText(Map.of("sun", 5L, "fog", 2L, "rain", 4L), Map.of("rain", 1L),
        TaskKind.MULTICLASS, TABLE);
    assertEquals(List.of("fog", "rain", "sun"), weather.values());
    assertTrue(weather.text() && !weather.identity());
    assertEquals(Map.of(0.0, 2L, 2.0, 5L), weather.indexCounts(Map.of("fog", 2L, "sun", 5L)));
    assertTrue(assertThrows(LakeforgeException.class, () -> LabelClasses.checkText(Map.of("sun", 5L, "fog", 2L),
        Map.of("snow", 1L), TaskKind.MULTICLASS, TABLE)).getMessage().contains("has classes the training split does not: "
        + "values snow (1 validation rows) (the training split has [fog, sun])"));
    assertTrue(assertThrows(LakeforgeException.class, () -> LabelClasses.checkText(Map.of("12.5", 5L), Map.of(),
        TaskKind.REGRESSION, TABLE)).getMessage().contains("its label is a string with values '12.5' (5 training rows) (a "
        + "regression label must be a finite number). Fix: give the spine's label expression a numeric type"));
  }

  @Test
  void modelInfoHoldsClassesAsJsonNumbersOrStrings() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertEquals("[\"fog\",\"rain\"]", json.writeValueAsString(LabelClasses.of(List.of("fog", "rain"))));
    assertEquals("[1.0,2.0]", json.writeValueAsString(LabelClasses.of(List.of(1.0, 2.0))));
    assertEquals(LabelClasses.of(List.of(1.0, 2.0, 3.0)), json.readValue("[1, 2.0, 3]", LabelClasses.class),
        "whole numbers written either way read as the same classes");
    assertEquals(List.of("fog", "rain"), json.readValue("[\"fog\",\"rain\"]", LabelClasses.class).values());
  }

  @Test
  void valuesOutsideEachTasksDomainAreNamedWithTheirRows() {
    assertTrue(refused(Map.of(0.0, 5L, 2.0, 4L), Map.of(2.0, 1L), TaskKind.BINARY).getMessage()
        .contains("its label has values 2 (4 training rows, 1 validation rows) (a binary label must be 0 or 1)"));
    assertTrue(refused(Map.of(1.0, 5L, 1.5, 4L), Map.of(), TaskKind.MULTICLASS).getMessage()
        .contains("has values 1.5 (4 training rows) (a multiclass label must be a whole number or a string per "
            + "class)"));
    assertTrue(refused(Map.of(0.0, 5L, Double.NaN, 2L), Map.of(Double.POSITIVE_INFINITY, 1L), TaskKind.REGRESSION)
        .getMessage().contains("has values Infinity (1 validation rows), NaN (2 training rows) (a regression label "
            + "must be a finite number). Fix: filter the rows with NaN or infinite labels"));
    assertTrue(refused(Map.of(1.0, 5L, 2.0, 4L), Map.of(4.0, 2L), TaskKind.MULTICLASS).getMessage()
        .contains("has classes the training split does not: values 4 (2 validation rows) (the training split has "
            + "[1, 2])"));
  }

  @Test
  void valuesThatDifferOnlyInCaseOrSpacesAreFoundTogether() {
    assertEquals(java.util.List.of(java.util.List.of("Rain", "rain", "rain ")),
        LabelClasses.lookAlikes(java.util.List.of("Rain", "fog", "rain", "rain ", "sun")));
    assertEquals(java.util.List.of(), LabelClasses.lookAlikes(java.util.List.of("fog", "rain", "sun")));
  }
}
