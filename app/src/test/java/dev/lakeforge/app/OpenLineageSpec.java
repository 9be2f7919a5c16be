package dev.lakeforge.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.lakeforge.core.testing.SharedSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * OpenLineage's own JSON schemas as the oracle for our events: the RunEvent against {@code OpenLineage.json}, then
 * every facet against the schema its {@code _schemaURL} names (the RunEvent schema checks facets only for the base
 * keys). The spec's files are in {@code src/test/resources/openlineage-spec} (see its README); our custom facet's
 * schema is the one we publish, {@code docs/openlineage/}.
 */
final class OpenLineageSpec {
  private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
      builder -> builder
          .schemaIdResolvers(ids -> ids.mapPrefix("https://openlineage.io/spec/", "classpath:openlineage-spec/"))
          .schemas(OpenLineageSpec::ours));
  private static final String OURS = "https://lakeforge.dev/spec/facets/1-0-0/";

  private OpenLineageSpec() {}

  /** The schemas of our own facets, as published in docs/openlineage; null for any other id. */
  private static String ours(String id) {
    if (!id.startsWith(OURS)) {
      return null;
    }
    try {
      return Files.readString(SharedSpark.repoRoot().resolve("docs/openlineage").resolve(id.substring(OURS.length())));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the schema of " + id, e);
    }
  }

  /** The schema violations of one event, each as "where: message"; empty when the event follows the spec. */
  static List<String> violations(JsonNode event) {
    List<String> out = new ArrayList<>();
    check(event.path("schemaURL").asText(), event, "event", out);
    facets(event.path("run").path("facets"), "run.facets", out);
    facets(event.path("job").path("facets"), "job.facets", out);
    for (String side : List.of("inputs", "outputs")) {
      int i = 0;
      for (JsonNode dataset : event.path(side)) {
        for (String kind : List.of("facets", "inputFacets", "outputFacets")) {
          facets(dataset.path(kind), side + "[" + i + "]." + kind, out);
        }
        i++;
      }
    }
    return out;
  }

  private static void facets(JsonNode facets, String where, List<String> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = facets.fields(); it.hasNext(); ) {
      var facet = it.next();
      check(facet.getValue().path("_schemaURL").asText(), facet.getValue(), where + "." + facet.getKey(), out);
    }
  }

  private static void check(String schemaUrl, JsonNode node, String where, List<String> out) {
    if (schemaUrl.isEmpty()) {
      out.add(where + ": no schema URL");
      return;
    }
    Schema schema = SCHEMAS.getSchema(SchemaLocation.of(schemaUrl));
    schema.validate(node).forEach(e -> out.add(where + e.getInstanceLocation() + ": " + e.getMessage()));
  }
}
