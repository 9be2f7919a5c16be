package dev.lakeforge.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The scorer's command line itself, before any model is read. */
class ScorerMainTest {
  @Test
  void versionNamesTheBuildAsLakeforgeDoes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, ScorerMain.run("--version"));
    } finally {
      System.setOut(old);
    }
    String printed = out.toString(StandardCharsets.UTF_8).strip();
    assertTrue(printed.matches("lakeforge-score \\S+ \\(git \\S+\\)"), printed);
  }
}
