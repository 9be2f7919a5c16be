package dev.lakeforge.core.config;

/**
 * Where lineage goes beyond the run manifests and Delta commit metadata, which are always written.
 *
 * @param openlineage OpenLineage run events of every stage; off when absent
 */
public record LineageConfig(OpenLineageConfig openlineage) {
  public static final LineageConfig OFF = new LineageConfig(null);

  public boolean openLineageOn() {
    return openlineage != null && !"off".equals(openlineage.transport());
  }
}
