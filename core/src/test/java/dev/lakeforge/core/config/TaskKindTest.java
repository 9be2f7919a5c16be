package dev.lakeforge.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Model files keep the task as the id Python readers and older files use; code gets the type. */
class TaskKindTest {
  record Info(TaskKind task) {}

  @Test
  void modelFilesHoldTheLowerCaseIdBothWays() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertEquals("{\"task\":\"multiclass\"}", json.writeValueAsString(new Info(TaskKind.MULTICLASS)));
    assertEquals(TaskKind.REGRESSION, json.readValue("{\"task\":\"regression\"}", Info.class).task());
    assertEquals(Map.of("task", "binary"), json.convertValue(new Info(TaskKind.BINARY), Map.class));
  }

  @Test
  void anUnknownIdNamesTheKnownOnes() {
    var e = assertThrows(IllegalArgumentException.class, () -> TaskKind.of("ranking"));
    assertEquals("task 'ranking' is not one of binary, multiclass, regression", e.getMessage());
  }
}
