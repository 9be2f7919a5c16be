package dev.lakeforge.core.error;

import org.apache.spark.sql.AnalysisException;

/**
 * The part of a library's exception message a user needs on one line. Spark's parse errors start with a newline
 * ("\n[PARSE_SYNTAX_ERROR] Syntax error at or near '$'.(line 1, pos 11)\n\n== SQL ==..."), analysis errors append
 * the whole logical plan, JDBC and REST errors wrap their cause: the first line that is not blank carries the
 * error class, the position and the names the library lists ("Did you mean one of the following? [...]").
 */
public final class LibraryMessage {
  private LibraryMessage() {}

  /**
   * The first non-blank line of {@code e}'s message (an {@link AnalysisException}'s message without its plan),
   * stripped; the exception's class name when it has no message.
   */
  public static String of(Throwable e) {
    if (e == null) {
      return "unknown failure";
    }
    String text = e instanceof AnalysisException a ? a.getSimpleMessage() : e.getMessage();
    return firstLine(text).orElse(e.getClass().getSimpleName());
  }

  /** The innermost cause's message, which is the one that names the file, row or host. */
  public static String ofRootCause(Throwable e) {
    Throwable t = e;
    while (t != null && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return of(t);
  }

  /** The first non-blank line of {@code text}, stripped. */
  public static java.util.Optional<String> firstLine(String text) {
    return text == null ? java.util.Optional.empty()
        : text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst();
  }
}
