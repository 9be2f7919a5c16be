package dev.lakeforge.core.error;

/**
 * A failure with a kind (and so an exit code) and a message that says what went wrong and what to do.
 * Create these through {@link Errors} so the wording stays in one catalog.
 */
public final class LakeforgeException extends RuntimeException {
  private final ErrorKind kind;

  LakeforgeException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public ErrorKind kind() {
    return kind;
  }

  public int exitCode() {
    return kind.exitCode();
  }
}
