package dev.lakeforge.app;

import dev.lakeforge.core.config.ConfigLoader;
import java.io.PrintWriter;
import java.util.Map;

/**
 * What the command line builds once per process and hands to every command (and, through the run context, the
 * environment to every stage), so no command reads
 * {@code System.getenv()} or writes to {@code System.out} itself.
 *
 * @param environment the process environment: the config's {@code ${VAR}} values and MLflow's credentials
 * @param out results and summaries (picocli's output stream)
 * @param err progress lines and errors
 */
record Services(Map<String, String> environment, PrintWriter out, PrintWriter err) {
  Services {
    environment = Map.copyOf(environment);
  }

  /** Names the environment's size only: its values hold credentials. */
  @Override
  public String toString() {
    return "Services[environment=" + environment.size() + " variables]";
  }

  ConfigLoader configLoader() {
    return new ConfigLoader(environment);
  }
}
