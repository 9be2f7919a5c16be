package dev.lakeforge.core.run;

import dev.lakeforge.core.error.LakeforgeException;

/**
 * A stage's verdict against its data or model (a gate it applied failed), together with what the stage did before
 * judging: the tables it read and wrote and its metrics. {@link RunContext#runStage} saves that result as the stage's
 * manifest before the error ends the run, so the versions the failed stage wrote stay in the lineage and a later
 * stage (register recording an unblessed model) can find them. Kind, message and exit code are the verdict's.
 */
public final class StageFailedException extends LakeforgeException {
  private final transient StageResult result;

  StageFailedException(LakeforgeException verdict, StageResult result) {
    super(verdict);
    this.result = result;
  }

  /** What the stage did before its verdict. */
  public StageResult result() {
    return result;
  }
}
