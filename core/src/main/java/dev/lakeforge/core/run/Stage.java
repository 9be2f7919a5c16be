package dev.lakeforge.core.run;

/**
 * One stage of the pipeline: one class, one entry point. A stage reads its own section of the config from the
 * context, reads and writes tables through {@link RunContext#lake()}, and reports what it did.
 */
public interface Stage {
  /** The subcommand name, also the key of this stage's run manifest. */
  String name();

  StageResult run(RunContext context);
}
