package dev.lakeforge.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RunContextTest {
  @Test
  void airflowRunIdsBecomeSafeDirectoryNames() {
    RunContext ctx = new RunContext("manual__2026-11-27T06:43:22.391369+00:00", null, null, null, null, null, null,
        null, null);
    assertEquals("manual__2026-11-27T06_43_22.391369_00_00", ctx.runIdForPaths());
    assertEquals("manual__2026-11-27T06:43:22.391369+00:00", ctx.runId(), "lineage keeps the id as given");
  }
}
