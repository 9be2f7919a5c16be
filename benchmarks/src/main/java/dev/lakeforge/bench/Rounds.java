package dev.lakeforge.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Side-by-side timing: every contender once per round, the order rotating each round so none always goes first. */
public final class Rounds {
  private Rounds() {}

  /** Seconds of each run per round, after running {@code warmUp} once (JIT, file cache, codegen). */
  public static Map<String, List<Double>> time(Map<String, Runnable> runs, List<String> warmUp, int rounds) {
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    runs.keySet().forEach(k -> seconds.put(k, new ArrayList<>()));
    warmUp.forEach(name -> runs.get(name).run());
    List<String> order = new ArrayList<>(runs.keySet());
    for (int round = 0; round < rounds; round++) {
      for (String name : order) {
        long t0 = System.nanoTime();
        runs.get(name).run();
        seconds.get(name).add((System.nanoTime() - t0) / 1e9);
      }
      order.add(order.remove(0));
    }
    return seconds;
  }

  /** The seconds of every round as a JSON object: {"name": [s1, s2, ...], ...}. */
  public static String toJson(Map<String, List<Double>> seconds) {
    StringBuilder json = new StringBuilder("{");
    seconds.forEach((name, runs) -> json.append(json.length() > 1 ? ", " : "").append('"').append(name)
        .append("\": ").append(runs));
    return json.append('}').toString();
  }

  public static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
