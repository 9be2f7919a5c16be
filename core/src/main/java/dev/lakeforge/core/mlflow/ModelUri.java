package dev.lakeforge.core.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakeforge.core.error.Errors;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A registered model by alias or by version: {@code models:/<name>@<alias>} or {@code models:/<name>/<version>}. */
public record ModelUri(String name, String alias, String version) {
  private static final String SCHEME = "models:/";
  private static final Pattern FORM = Pattern.compile("models:/([^/@]+)(?:@([^/@]+)|/(\\d+))");

  /** Whether the text means the registry (and so must parse) rather than, say, a model directory. */
  public static boolean isRegistryReference(String text) {
    return text.startsWith(SCHEME);
  }

  public static ModelUri parse(String uri) {
    Matcher m = FORM.matcher(uri);
    if (!m.matches()) {
      throw Errors.usage("Cannot read the model '" + uri + "': it is not a model URI",
          "write models:/<name>@<alias> or models:/<name>/<version>");
    }
    return new ModelUri(m.group(1), m.group(2), m.group(3));
  }

  /** MLflow's model version this URI names (the alias's version, or the version itself); empty when unknown. */
  public Optional<JsonNode> lookup(MlflowClient mlflow) {
    return alias != null ? mlflow.versionByAlias(name, alias) : mlflow.modelVersion(name, version);
  }

  /** As {@link #lookup}, but an unknown model, alias or version is exit 2 naming which one. */
  public JsonNode require(MlflowClient mlflow) {
    return lookup(mlflow).orElseThrow(() -> Errors.usage("Cannot read " + this + ": the registry has no "
            + (alias != null ? "model '" + name + "' with alias '" + alias + "'" : "version " + version + " of model '"
            + name + "'"),
        alias != null ? "run `lakeforge register` for a blessed model, or `lakeforge alias set`"
            : "list the model's versions in the MLflow UI"));
  }

  @Override
  public String toString() {
    return SCHEME + name + (alias != null ? "@" + alias : "/" + version);
  }
}
