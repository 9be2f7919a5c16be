package dev.lakeforge.features;

import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import dev.lakeforge.core.testing.ToyPipeline;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;

/** A toy pipeline: purchase events per user, a labelled spine of sessions, a holiday calendar. */
final class FeatureFixtures {
  static final String PIPELINE = ToyPipeline.around("toy", """
      feature_sets:
        user_history:
          source: silver.events
          entity: [user]
          event_time: ts
          ttl: 2d
          features:
            - {name: n_1h, aggregate: count, window: 1h}
            - {name: sum_24h, aggregate: sum, of: amount, window: 24h}
            - {name: mean_24h, aggregate: mean, of: amount, window: 24h}
            - {name: min_24h, aggregate: min, of: amount, window: 24h}
            - {name: max_24h, aggregate: max, of: amount, window: 24h}
            - {name: std_24h, aggregate: stddev, of: amount, window: 24h}
            - {name: sum_24h_lag_1h, aggregate: sum, of: amount, window: 24h, lag: 1h}
            - {name: user_index, index: user}
        # No aggregates: one feature row per event, so (user, ts) must be unique.
        user_rows:
          source: silver.events
          entity: [user]
          event_time: ts
          features: [{name: doubled, expr: "amount * 2"}]
      training_sets:
        sessions:
          spine: {source: silver.sessions, event_time: ts, keys: [id], label: "y"}
          features:
            - {name: hour, time_part: hour}
            - {name: holiday, time_part: holiday, calendar: silver.holidays}
            - {name: city_index, index: city}
            - {name: city_frequency, frequency: city}
            - {name: city_rate, target_mean: city, smoothing: 2}
            - {name: is, one_hot: city, top: 2}
          feature_sets: [user_history]
      training: {split: {column: ts, validate_from: "2020-01-03"}}
      """);

  /** Five users' events; two of user A's share a timestamp. */
  static final String EVENTS = "('A', '2020-01-01 00:00:00', 10), ('A', '2020-01-01 00:30:00', 20), "
      + "('A', '2020-01-01 00:30:00', 30), ('A', '2020-01-01 02:00:00', 40), ('A', '2020-01-02 01:00:00', 50), "
      + "('B', '2020-01-01 01:00:00', 5)";

  /** Sessions to label: ids 3 and 4 fall after the fit window (2020-01-03). */
  static final String SESSIONS = "(1, 'A', '2020-01-01 00:30:00', 'BOS', 1), (2, 'A', '2020-01-01 01:59:00', 'BOS', 0), "
      + "(3, 'A', '2020-01-03 02:00:00', 'NYC', 1), (4, 'A', '2020-01-05 00:00:00', 'NYC', 0), "
      + "(5, 'B', '2020-01-01 00:59:00', 'NYC', 1), (6, 'C', '2020-01-02 00:00:00', 'SEA', 1), "
      + "(7, 'A', '2020-01-01 00:00:00', 'BOS', 1)";

  private FeatureFixtures() {}

  static void events(RunContext ctx, String values) {
    ctx.lake().write(ctx.spark().sql("select user, timestamp(ts) ts, amount from values " + values
        + " as t(user, ts, amount)"), TableWrite.overwrite(TableRef.parse("silver.events")));
  }

  static void sessions(RunContext ctx, String values) {
    ctx.lake().write(ctx.spark().sql("select id, user, timestamp(ts) ts, city, y from values " + values
        + " as t(id, user, ts, city, y)"), TableWrite.overwrite(TableRef.parse("silver.sessions")));
  }

  static void holidays(RunContext ctx) {
    ctx.lake().write(ctx.spark().sql("select date('2020-01-01') date, 'New Year' name"), TableWrite.overwrite(TableRef.parse("silver.holidays")));
  }

  static List<Row> table(RunContext ctx, String table, String orderBy, String... columns) {
    return ctx.lake().read(TableRef.parse(table)).rows().orderBy(java.util.Arrays.stream(orderBy.split(",")).map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
        .selectExpr(columns).collectAsList();
  }

  static String lastCommitMetadata(RunContext ctx, String table) {
    return io.delta.tables.DeltaTable.forPath(ctx.spark(), ctx.lake().path(TableRef.parse(table))).history(1)
        .select("userMetadata").first().getString(0);
  }

  static String lines(List<Row> rows) {
    return rows.stream().map(Row::toString).collect(Collectors.joining("\n"));
  }
}
