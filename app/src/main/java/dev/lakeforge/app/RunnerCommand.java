package dev.lakeforge.app;

import dev.lakeforge.core.run.RunContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command that takes the common options: the stage commands, {@code run}, {@code reproduce}, {@code config check}
 * and the table tools. Those that run stages or look at the lake go through {@link StageRunner}.
 */
abstract class RunnerCommand implements Callable<Integer> {
  @Mixin
  CommonOptions options;

  final Services services;

  RunnerCommand(Services services) {
    this.services = services;
  }

  StageRunner runner() {
    return new StageRunner(services);
  }

  /** A session and run context without running a stage, for commands that look at the lake. */
  RunContext context() {
    return runner().context(options);
  }
}
