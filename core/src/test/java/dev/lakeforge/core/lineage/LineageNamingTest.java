package dev.lakeforge.core.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.utils.DatasetIdentifier;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Dataset names after OpenLineage's naming spec, the parent run from Airflow's Spark conf, the custom facet. */
class LineageNamingTest {
  private final OpenLineage ol = new OpenLineage(OpenLineageEmitter.PRODUCER);

  @Test
  void tablePathsAreNamedAsOpenLineageNamesFilesAndObjectStores() {
    assertId("s3://bucket", "lake/silver/flights", LineageDatasets.identifier("s3a://bucket/lake/silver/flights"));
    assertId("hdfs://nn:8020", "/lake/silver/flights", LineageDatasets.identifier("hdfs://nn:8020/lake/silver/flights"));
    assertId("file", "/data/lake/silver/flights", LineageDatasets.identifier("file:/data/lake/silver/flights"));
    String relative = Path.of("data/lake/silver/flights").toAbsolutePath().toString();
    assertId("file", relative, LineageDatasets.identifier("data/lake/silver/flights"));
  }

  private static void assertId(String namespace, String name, DatasetIdentifier id) {
    assertEquals(namespace + " " + name, id.getNamespace() + " " + id.getName());
  }

  @Test
  void parentRunComesFromTheAirflowProvidersSparkConf() {
    UUID task = UUID.randomUUID();
    UUID dag = UUID.randomUUID();
    Map<String, String> conf = Map.of(
        "spark.openlineage.parentJobNamespace", "airflow",
        "spark.openlineage.parentJobName", "lakeforge_training.train",
        "spark.openlineage.parentRunId", task.toString(),
        "spark.openlineage.rootParentJobNamespace", "airflow",
        "spark.openlineage.rootParentJobName", "lakeforge_training",
        "spark.openlineage.rootParentRunId", dag.toString());
    OpenLineage.ParentRunFacet parent =
        OpenLineageEmitter.parentFacet(ol, key -> Optional.ofNullable(conf.get(key))).orElseThrow();
    assertEquals("airflow", parent.getJob().getNamespace());
    assertEquals("lakeforge_training.train", parent.getJob().getName());
    assertEquals(task, parent.getRun().getRunId());
    assertEquals("lakeforge_training", parent.getRoot().getJob().getName());
    assertEquals(dag, parent.getRoot().getRun().getRunId());

    assertTrue(OpenLineageEmitter.parentFacet(ol, key -> Optional.empty()).isEmpty(), "no parent without the conf");
    Map<String, String> notUuid = Map.of("spark.openlineage.parentJobNamespace", "airflow",
        "spark.openlineage.parentJobName", "d.t", "spark.openlineage.parentRunId", "manual__2026-11-27");
    assertTrue(OpenLineageEmitter.parentFacet(ol, key -> Optional.ofNullable(notUuid.get(key))).isEmpty());
  }

  @Test
  void lakeforgeRunFacetCarriesProducerAndSchemaUrl() throws Exception {
    var facets = ol.newRunFacetsBuilder().put(LakeforgeRunFacet.NAME, new LakeforgeRunFacet(
        OpenLineageEmitter.PRODUCER, "flights", "train", "manual__2026-11-27T06:43:22+00:00", "2026-11-27", "ab12",
        "deadbeef", "local", "0.1.0")).build();
    JsonNode json = new ObjectMapper().readTree(OpenLineageClientUtils.toJson(facets)).get("lakeforge");
    assertEquals(OpenLineageEmitter.PRODUCER.toString(), json.get("_producer").asText());
    assertTrue(json.get("_schemaURL").asText().endsWith("LakeforgeRunFacet.json#/$defs/LakeforgeRunFacet"));
    assertEquals("2026-11-27", json.get("runDate").asText());
    assertEquals("ab12", json.get("configHash").asText());
    assertEquals("manual__2026-11-27T06:43:22+00:00", json.get("runId").asText());
  }
}
