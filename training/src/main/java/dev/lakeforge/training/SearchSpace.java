package dev.lakeforge.training;

import dev.lakeforge.core.config.SweepConfig;
import dev.lakeforge.core.config.SweepConfig.SearchDimension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** The configs a sweep tries: every combination of choices (grid) or seeded random draws (random, halving). */
final class SearchSpace {
  private SearchSpace() {}

  /**
   * Grid: every combination. Random and halving draw {@code trials} configs; when every dimension is a choice they
   * draw distinct grid points (a seeded shuffle), so a small grid is never tried twice.
   */
  static List<Map<String, Object>> configs(SweepConfig sweep) {
    if ("grid".equals(sweep.strategy())) {
      return grid(sweep.space());
    }
    if (sweep.space().values().stream().allMatch(d -> d.choice() != null)) {
      List<Map<String, Object>> points = new ArrayList<>(grid(sweep.space()));
      java.util.Collections.shuffle(points, new Random(sweep.seed()));
      return points.subList(0, Math.min(sweep.trials(), points.size()));
    }
    return random(sweep.space(), sweep.trials(), sweep.seed());
  }

  /** The cartesian product of the choices, parameters in name order so the trial numbering is stable. */
  static List<Map<String, Object>> grid(Map<String, SearchDimension> space) {
    List<Map<String, Object>> configs = new ArrayList<>();
    configs.add(new LinkedHashMap<>());
    for (Map.Entry<String, SearchDimension> dim : new TreeMap<>(space).entrySet()) {
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> config : configs) {
        for (Object choice : dim.getValue().choice()) {
          Map<String, Object> extended = new LinkedHashMap<>(config);
          extended.put(dim.getKey(), choice);
          next.add(extended);
        }
      }
      configs = next;
    }
    return configs;
  }

  static List<Map<String, Object>> random(Map<String, SearchDimension> space, int count, long seed) {
    Random random = new Random(seed);
    List<Map<String, Object>> configs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Object> config = new LinkedHashMap<>();
      for (Map.Entry<String, SearchDimension> dim : new TreeMap<>(space).entrySet()) {
        config.put(dim.getKey(), draw(dim.getValue(), random));
      }
      configs.add(config);
    }
    return configs;
  }

  private static Object draw(SearchDimension dim, Random random) {
    if (dim.choice() != null) {
      return dim.choice().get(random.nextInt(dim.choice().size()));
    } else if (dim.uniform() != null) {
      return dim.uniform().get(0) + random.nextDouble() * (dim.uniform().get(1) - dim.uniform().get(0));
    } else if (dim.logUniform() != null) {
      double lo = Math.log(dim.logUniform().get(0));
      double hi = Math.log(dim.logUniform().get(1));
      return Math.exp(lo + random.nextDouble() * (hi - lo));
    }
    long lo = dim.intRange().get(0);
    return lo + (long) Math.floor(random.nextDouble() * (dim.intRange().get(1) - lo + 1));
  }
}
