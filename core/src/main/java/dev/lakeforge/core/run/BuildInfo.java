package dev.lakeforge.core.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Version and git revision stamped into the jar at build time, so lineage works where there is no git. */
public final class BuildInfo {
  private static final Properties PROPS = load();

  private BuildInfo() {}

  public static String version() {
    return PROPS.getProperty("version", "unknown");
  }

  /** LAKEFORGE_GIT_REVISION wins, for builds made outside a git checkout. */
  public static String gitRevision() {
    String fromEnv = System.getenv("LAKEFORGE_GIT_REVISION");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    String rev = PROPS.getProperty("git.revision", "unknown");
    return rev.isBlank() || rev.startsWith("${") ? "unknown" : rev;
  }

  private static Properties load() {
    Properties props = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/lakeforge-build.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      // Missing build info only degrades lineage to "unknown".
    }
    return props;
  }
}
