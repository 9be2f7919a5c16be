package dev.lakeforge.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The {@code lakeforge} command line run in this JVM as a user runs it: its exit code and what it printed. */
final class CommandLineRun {
  private CommandLineRun() {}

  /** @param out what went to standard output (the command's and any library's), @param err the error stream */
  record Outcome(int code, String out, String err) {}

  /** {@code lakeforge args... --set s1 --set s2 ...}. */
  static Outcome execute(List<String> args, List<String> sets) {
    List<String> all = new ArrayList<>(args);
    for (String set : sets) {
      all.add("--set");
      all.add(set);
    }
    return execute(all.toArray(String[]::new));
  }

  /** {@code lakeforge args...}; System.out is captured while it runs, as libraries print there directly. */
  static Outcome execute(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = LakeforgeMain.execute(args, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
      return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
    }
  }
}
