package dev.lakeforge.app;

import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.RunDateMigration;
import dev.lakeforge.core.table.TableChecksum;
import dev.lakeforge.core.table.TableHistory;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableTags;
import dev.lakeforge.core.table.TableVersion;
import dev.lakeforge.etl.TableProfiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Commands that look at and name table versions, and profile them. */
final class TablesCommands {
  private TablesCommands() {}

  /** {@code table} parsed, once it is known to exist (else the error names the stage that writes its layer). */
  static TableRef existing(RunContext ctx, String table) {
    return ctx.lake().existing(TableRef.parse(table));
  }

  @Command(name = "tables", mixinStandardHelpOptions = true, description = "Versions and tags of lake tables.",
      subcommands = {History.class, Tag.class, Checksum.class, Migrate.class})
  static final class Tables extends CommandGroup {}

  @Command(name = "history", mixinStandardHelpOptions = true,
      description = "List a table's versions with the run id, run date, stage and rows written of each.")
  static final class History extends RunnerCommand {
    History(Services services) {
      super(services);
    }

    @Parameters(paramLabel = "TABLE", description = "layer.name, e.g. silver.flights")
    String table;

    @Override
    public Integer call() {
      RunContext ctx = context();
      TableRef ref = existing(ctx, table);
      var tags = new java.util.HashMap<Long, java.util.List<String>>();
      new TableTags(ctx.lake()).list(ref.table()).forEach(r ->
          tags.computeIfAbsent(r.getLong(1), k -> new java.util.ArrayList<>()).add(r.getString(0)));
      services.out().printf("%-8s %-23s %-10s %-9s %-10s %-36s %12s  %s%n", "version", "committed", "operation", "stage",
          "run date", "run id", "rows", "tags");
      for (TableHistory.Entry e : TableHistory.of(ctx.lake(), ref)) {
        services.out().printf("v%-7d %-23s %-10s %-9s %-10s %-36s %12s  %s%n", e.version(), e.timestamp(),
            e.operation(), e.stage(), e.runDate(), e.runId(), e.rowsWritten() == null ? "" : e.rowsWritten(),
            String.join(",", tags.getOrDefault(e.version(), java.util.List.of())));
      }
      return 0;
    }
  }

  @Command(name = "tag", mixinStandardHelpOptions = true,
      description = "Name a table version, so configs can pin it as layer.name@tag:NAME.")
  static final class Tag extends RunnerCommand {
    Tag(Services services) {
      super(services);
    }

    @Parameters(index = "0", paramLabel = "TABLE", description = "layer.name[@vN|@time], default the latest version")
    String table;

    @Parameters(index = "1", paramLabel = "NAME", description = "tag name (letters, digits, _ . -)")
    String name;

    @Option(names = "--note", description = "Why this version is named")
    String note;

    @Override
    public Integer call() {
      RunContext ctx = context();
      TableVersion v = new TableTags(ctx.lake()).tag(existing(ctx, table), name, note);
      services.out().printf("tagged %s@v%d as %s (read it as %s@tag:%s)%n", v.table(), v.version(), name, v.table(), name);
      return 0;
    }
  }

  @Command(name = "checksum", mixinStandardHelpOptions = true,
      description = "Row count and an order-independent checksum of a table version's content, for checking that "
          + "a rerun left the same rows. Columns that record the run (_batch_id, _ingest_time, *run_id, *_at) are "
          + "left out unless --all-columns.")
  static final class Checksum extends RunnerCommand {
    Checksum(Services services) {
      super(services);
    }

    @Parameters(paramLabel = "TABLE", description = "layer.name[@vN|@time|@tag:NAME], default the latest version")
    String table;

    @Option(names = "--exclude", split = ",", paramLabel = "COLUMN", description = "Further columns to leave out")
    java.util.Set<String> exclude = java.util.Set.of();

    @Option(names = "--all-columns", description = "Hash the run's own columns too")
    boolean allColumns;

    @Override
    public Integer call() {
      RunContext ctx = context();
      TableChecksum sum = TableChecksum.of(ctx.lake(), existing(ctx, table), exclude, allColumns);
      services.out().printf("%s rows=%d checksum=%s excluded=%s%n", sum.version(), sum.rows(), sum.checksum(),
          sum.excluded().isEmpty() ? "-" : String.join(",", sum.excluded()));
      return 0;
    }
  }

  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = "Rewrite a table's STRING run date columns (run_date, _run_date), as tables written before run "
          + "dates became DATE have them, as DATE: one new version, same rows and partitions; older versions stay "
          + "readable. A table already migrated is left alone.")
  static final class Migrate extends RunnerCommand {
    Migrate(Services services) {
      super(services);
    }

    @Parameters(paramLabel = "TABLE", description = "layer.name, e.g. predictions.flights_delay")
    String table;

    @Override
    public Integer call() {
      RunContext ctx = context();
      RunDateMigration.Result done = new RunDateMigration(ctx.lake()).run(existing(ctx, table));
      if (done.version() == null) {
        services.out().printf("%s: run date columns are already DATE; nothing written%n", done.table());
      } else {
        services.out().printf("%s@v%d: %s now DATE (%,d rows rewritten)%n", done.table(), done.version(),
            String.join(", ", done.columns()), done.rows());
      }
      return 0;
    }
  }

  @Command(name = "profile", mixinStandardHelpOptions = true,
      description = "Profile a table version (types, nulls, distinct, min/max/mean/stddev, quantiles, top values, "
          + "histograms) into JSON and HTML, in two scans.")
  static final class Profile extends RunnerCommand {
    Profile(Services services) {
      super(services);
    }

    @Option(names = "--table", required = true, paramLabel = "TABLE", description = "e.g. silver.flights@v3")
    String table;

    @Option(names = "--out", paramLabel = "DIR", description = "Any Hadoop path. Default: "
        + "<lake.state>/<pipeline>/profiles")
    String out;

    @Override
    public Integer call() {
      RunContext ctx = context();
      TableProfiler profiler = new TableProfiler();
      TableProfiler.Profile profile = profiler.run(ctx.lake(), existing(ctx, table));
      String dir = out != null ? out
          : ctx.storage().resolve(ctx.config().lake().state(), ctx.config().pipeline(), "profiles");
      String html = profiler.write(ctx.storage(), profile, dir);
      services.out().printf("profiled %s@v%d: %,d rows, %d columns%n  %s%n  %s%n", profile.table(), profile.version(),
          profile.rows(), profile.columns().size(), html, html.replaceAll("\\.html$", ".json"));
      return 0;
    }
  }
}
