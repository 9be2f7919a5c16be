package dev.lakeforge.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import dev.lakeforge.core.spark.ColumnNames;
import dev.lakeforge.core.config.SplitConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The split shared by train, sweep and evaluate, so all see exactly the same rows. Random and group splits
 * hash column values with the seed rather than draw random numbers: the same row lands on the same side whatever
 * the partitioning, and a rerun or a later evaluation agrees with training.
 */
public final class DataSplit {
  private static final int BUCKETS = 10_000;
  private final SplitConfig split;
  private final List<String> identity;

  /**
   * @param identity columns that identify a row (the spine's keys and event time) for the random split; empty
   *                 means every column
   */
  public DataSplit(SplitConfig split, List<String> identity) {
    this.split = split;
    this.identity = List.copyOf(identity);
  }

  public Dataset<Row> training(Dataset<Row> rows) {
    return rows.filter(isTraining(rows));
  }

  public Dataset<Row> validation(Dataset<Row> rows) {
    return rows.filter(isValidation(rows));
  }

  public SplitConfig config() {
    return split;
  }

  private Column isTraining(Dataset<Row> rows) {
    return switch (split.kind()) {
      case "time" -> ColumnNames.column(split.column()).lt(lit(split.validateFrom()));
      default -> isValidation(rows).unary_$bang();
    };
  }

  private Column isValidation(Dataset<Row> rows) {
    return switch (split.kind()) {
      case "time" -> {
        Column inWindow = ColumnNames.column(split.column()).geq(lit(split.validateFrom()));
        yield split.validateUntil() == null ? inWindow : inWindow.and(ColumnNames.column(split.column()).lt(lit(split.validateUntil())));
      }
      case "group" -> bucket(split.group()).lt(lit(Math.round(split.fraction() * BUCKETS)));
      default -> bucket(identity.isEmpty() ? List.of(rows.columns()) : identity)
          .lt(lit(Math.round(split.fraction() * BUCKETS)));
    };
  }

  private Column bucket(List<String> columns) {
    List<Column> hashed = new ArrayList<>();
    columns.forEach(c -> hashed.add(ColumnNames.column(c)));
    hashed.add(lit(split.seed()));
    return pmod(xxhash64(hashed.toArray(Column[]::new)), lit(BUCKETS));
  }
}
