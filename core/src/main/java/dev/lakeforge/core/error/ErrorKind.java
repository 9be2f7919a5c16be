package dev.lakeforge.core.error;

/** Every failure Lakeforge reports falls into one kind, and each kind has one documented exit code. */
public enum ErrorKind {
  UNEXPECTED(1, "unexpected error"),
  USAGE(2, "usage error"),
  CONFIG(2, "config error"),
  INPUT(2, "input error"),
  DATA_QUALITY(3, "data-quality gate failed"),
  MODEL_GATE(4, "model gate failed"),
  SERVICE_UNAVAILABLE(5, "external service unavailable");

  private final int exitCode;
  private final String label;

  ErrorKind(int exitCode, String label) {
    this.exitCode = exitCode;
    this.label = label;
  }

  public int exitCode() {
    return exitCode;
  }

  public String label() {
    return label;
  }
}
