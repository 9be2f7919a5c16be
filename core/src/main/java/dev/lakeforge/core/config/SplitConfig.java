package dev.lakeforge.core.config;

import java.util.List;
import java.util.Set;

/**
 * How rows divide into training and validation. Train and evaluate apply the same split, so both see exactly
 * the same rows.
 *
 * <ul>
 *   <li>{@code time} (the default when {@code validate_from} is set): rows with {@code column < validate_from}
 *       train, rows in {@code [validate_from, validate_until)} validate. Dates are ISO (2001-06-01) or timestamps.
 *   <li>{@code random}: a seeded hash of each row's identity puts {@code fraction} of the rows in validation; the
 *       same rows land on the same side however the data is partitioned.
 *   <li>{@code group}: the hash is of the {@code group} columns, so no entity has rows on both sides.
 * </ul>
 *
 * @param fraction validation share for random and group splits; default 0.2
 * @param seed     seed of the split hash; default 42
 */
public record SplitConfig(String kind, String column, String validateFrom, String validateUntil, Double fraction,
    Long seed, List<String> group) {
  public static final Set<String> KINDS = Set.of("time", "random", "group");

  public SplitConfig {
    kind = Require.oneOf(Require.orDefault(kind, validateFrom != null ? "time" : "random"), "kind", KINDS);
    fraction = Require.orDefault(fraction, 0.2);
    seed = Require.orDefault(seed, 42L);
    group = List.copyOf(Require.orDefault(group, List.of()));
    if (fraction <= 0 || fraction >= 1) {
      throw new IllegalArgumentException("key 'fraction' is " + fraction + " but must be between 0 and 1 (exclusive)");
    }
    switch (kind) {
      case "time" -> {
        Require.present(column, "column");
        Require.present(validateFrom, "validate_from");
      }
      case "group" -> Require.notEmpty(group, "group");
      default -> { }
    }
  }

  /** A time split, the common case in code and tests. */
  public static SplitConfig byTime(String column, String validateFrom, String validateUntil) {
    return new SplitConfig("time", column, validateFrom, validateUntil, null, null, null);
  }
}
