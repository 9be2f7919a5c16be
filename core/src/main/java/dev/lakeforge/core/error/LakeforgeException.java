package dev.lakeforge.core.error;

/**
 * A failure with a kind (and so an exit code) and a message that says what went wrong and what to do.
 * Create these through {@link Errors} so the wording stays in one catalog.
 */
public class LakeforgeException extends RuntimeException {
  private final ErrorKind kind;

  LakeforgeException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** {@code error} again, with the same kind, message and cause, for a subclass that adds what the failure left. */
  protected LakeforgeException(LakeforgeException error) {
    super(error.getMessage(), error.getCause());
    this.kind = error.kind;
    setStackTrace(error.getStackTrace());
  }

  public ErrorKind kind() {
    return kind;
  }

  public int exitCode() {
    return kind.exitCode();
  }
}
