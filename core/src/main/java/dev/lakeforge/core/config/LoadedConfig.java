package dev.lakeforge.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * A pipeline config as the run sees it: the typed records, the effective tree after overrides (for tracking),
 * and its hash.
 *
 * @param hash SHA-256 of the canonical effective config with secrets redacted
 */
public record LoadedConfig(Path file, PipelineConfig config, JsonNode effective, String hash) {

  /** The effective config flattened to dotted keys, secrets redacted: what tracking records as params. */
  public Map<String, String> flattened() {
    return ConfigTrees.flatten(ConfigTrees.redacted(effective));
  }
}
