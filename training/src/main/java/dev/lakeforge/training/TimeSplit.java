package dev.lakeforge.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakeforge.core.config.SplitConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The time split shared by train and evaluate, so both see exactly the same rows. */
public final class TimeSplit {
  private TimeSplit() {}

  public static Dataset<Row> training(Dataset<Row> rows, SplitConfig split) {
    return rows.filter(col(split.column()).lt(lit(split.validateFrom())));
  }

  public static Dataset<Row> validation(Dataset<Row> rows, SplitConfig split) {
    Column inWindow = col(split.column()).geq(lit(split.validateFrom()));
    if (split.validateUntil() != null) {
      inWindow = inWindow.and(col(split.column()).lt(lit(split.validateUntil())));
    }
    return rows.filter(inWindow);
  }
}
