package dev.lakeforge.app;

import dev.lakeforge.core.config.PipelineConfig;
import dev.lakeforge.core.config.RegistryConfig;
import dev.lakeforge.core.mlflow.MlflowClient;
import dev.lakeforge.registry.ModelAliases;
import dev.lakeforge.training.ModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakeforge alias show|set|delete}: the registered model's aliases, without Spark. */
final class AliasCommands {
  private AliasCommands() {}

  @Command(name = "alias", mixinStandardHelpOptions = true,
      description = "Show, set, move or delete an alias (champion, challenger, ...) of the pipeline's registered "
          + "model.", subcommands = {Show.class, Set.class, Delete.class})
  static final class Alias extends CommandGroup {}

  /** The pipeline config, for its registry section. */
  abstract static class AliasCommand implements Callable<Integer> {
    final Services services;

    AliasCommand(Services services) {
      this.services = services;
    }

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "conf/pipelines/flights.yaml",
        description = "Pipeline config (YAML). Default: ${DEFAULT-VALUE}")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config value (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Parameters(index = "0", paramLabel = "ALIAS", description = "e.g. champion or challenger")
    String alias;

    /** The config's registry section and the aliases of its model, through the model store's one client. */
    record Target(RegistryConfig registry, ModelAliases aliases) {}

    Target target() {
      PipelineConfig pipeline = services.configLoader().loadPipeline(config, overrides).config();
      MlflowClient mlflow = ModelStore.withoutSession(pipeline, services.environment()).registry();
      return new Target(pipeline.registry(), new ModelAliases(mlflow, pipeline.registry().modelName()));
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the version an alias points at.")
  static final class Show extends AliasCommand {
    Show(Services services) {
      super(services);
    }

    @Override
    public Integer call() {
      Target target = target();
      RegistryConfig registry = target.registry();
      var version = target.aliases().get(alias);
      services.out().println(version.map(v -> "models:/" + registry.modelName() + "@" + alias + " -> models:/"
          + registry.modelName() + "/" + v).orElse("models:/" + registry.modelName() + "@" + alias + " is not set"));
      return version.isPresent() ? 0 : 2;
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Point an alias at a version (moves it if set); the version must have been blessed.")
  static final class Set extends AliasCommand {
    Set(Services services) {
      super(services);
    }

    @Parameters(index = "1", paramLabel = "VERSION", description = "registered model version number")
    String version;

    @Option(names = "--force", description = "Point at the version even if its evaluation did not bless it")
    boolean force;

    @Override
    public Integer call() {
      Target target = target();
      RegistryConfig registry = target.registry();
      var before = target.aliases().set(alias, version, force);
      services.out().printf("models:/%s@%s -> version %s%s%n", registry.modelName(), alias, version,
          before.map(b -> b.equals(version) ? " (unchanged)" : " (moved from version " + b + ")").orElse(" (new)"));
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove an alias.")
  static final class Delete extends AliasCommand {
    Delete(Services services) {
      super(services);
    }

    @Override
    public Integer call() {
      Target target = target();
      RegistryConfig registry = target.registry();
      boolean deleted = target.aliases().delete(alias);
      services.out().printf("models:/%s@%s %s%n", registry.modelName(), alias,
          deleted ? "deleted" : "was not set (nothing to delete)");
      return 0;
    }
  }
}
