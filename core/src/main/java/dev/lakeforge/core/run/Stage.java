package dev.lakeforge.core.run;

/**
 * One stage of the pipeline: one class, one entry point. A stage reads its own section of the config from the
 * context, reads and writes tables through {@link RunContext#lake()}, and reports what it did.
 */
public interface Stage {
  /** The subcommand name, also the key of this stage's run manifest. */
  String name();

  StageResult run(RunContext context);

  /**
   * Checks what this stage can check from the config alone, before any Spark session starts: the runner calls it for
   * every stage it is about to run, and {@code config check} for every stage, so a config the stage would refuse
   * fails in seconds instead of after the stages before it.
   *
   * @throws dev.lakeforge.core.error.LakeforgeException (config error, exit 2)
   */
  default void check(dev.lakeforge.core.config.PipelineConfig config) {}
}
