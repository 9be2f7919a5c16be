package dev.lakeforge.core.lineage;

import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableVersion;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.utils.DatasetIdentifier;
import io.openlineage.client.utils.filesystem.FilesystemDatasetUtils;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A stage result's tables@versions as OpenLineage datasets: named by their path after OpenLineage's naming for
 * files and object stores ({@code file} + absolute path, {@code s3://bucket} + key, {@code hdfs://host:port} + path),
 * with the Lakeforge table name as a symlink, the Delta version ({@code version} facet), the schema of that version
 * and, for outputs, the rows, bytes and files Delta reports for the commit ({@code outputStatistics}). A registered
 * model version is an output of {@code register} and an input of {@code score}.
 */
final class LineageDatasets {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LineageDatasets.class);
  private static final Pattern MODEL_URI = Pattern.compile("models:/([^/@]+)/(\\d+)");
  /** Stages whose {@code model_uri} output is a model version they created; for the others it is what they read. */
  private static final Set<String> MODEL_WRITERS = Set.of("register");

  private final OpenLineage ol;
  private final RunContext context;

  LineageDatasets(OpenLineage ol, RunContext context) {
    this.ol = ol;
    this.context = context;
  }

  List<OpenLineage.InputDataset> inputs(StageResult result) {
    List<OpenLineage.InputDataset> out = new ArrayList<>();
    for (TableVersion table : new LinkedHashSet<>(result.reads())) {
      DatasetIdentifier id = identifier(table);
      out.add(ol.newInputDatasetBuilder().namespace(id.getNamespace()).name(id.getName())
          .facets(tableFacets(table).build()).build());
    }
    if (!MODEL_WRITERS.contains(result.stage())) {
      model(result).ifPresent(m -> out.add(ol.newInputDatasetBuilder().namespace(m.getNamespace())
          .name(m.getName()).facets(m.getFacets()).build()));
    }
    return out;
  }

  List<OpenLineage.OutputDataset> outputs(StageResult result) {
    List<OpenLineage.OutputDataset> out = new ArrayList<>();
    for (TableVersion table : new LinkedHashSet<>(result.writes())) {
      DatasetIdentifier id = identifier(table);
      var builder = ol.newOutputDatasetBuilder().namespace(id.getNamespace()).name(id.getName())
          .facets(tableFacets(table).build());
      statistics(table).ifPresent(s -> builder.outputFacets(ol.newOutputDatasetOutputFacetsBuilder()
          .outputStatistics(s).build()));
      out.add(builder.build());
    }
    if (MODEL_WRITERS.contains(result.stage())) {
      model(result).ifPresent(m -> out.add(ol.newOutputDatasetBuilder().namespace(m.getNamespace())
          .name(m.getName()).facets(m.getFacets()).build()));
    }
    return out;
  }

  /** The dataset a table is, by its path: OpenLineage's naming for file systems and object stores. */
  DatasetIdentifier identifier(TableVersion table) {
    return identifier(context.lake().path(TableRef.parse(table.table())));
  }

  static DatasetIdentifier identifier(String path) {
    URI location = path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")
        ? URI.create(path) : Path.of(path).toAbsolutePath().normalize().toUri();
    DatasetIdentifier id = FilesystemDatasetUtils.fromLocation(location);
    String name = id.getName();
    // A local directory's URI ends with '/'; the table is the directory itself.
    return new DatasetIdentifier(name.length() > 1 && name.endsWith("/") ? name.substring(0, name.length() - 1) : name,
        id.getNamespace());
  }

  private OpenLineage.DatasetFacetsBuilder tableFacets(TableVersion table) {
    var facets = ol.newDatasetFacetsBuilder()
        .version(ol.newDatasetVersionDatasetFacet(String.valueOf(table.version())))
        .datasetType(ol.newDatasetTypeDatasetFacet("TABLE", "DELTA"))
        .symlinks(ol.newSymlinksDatasetFacet(List.of(ol.newSymlinksDatasetFacetIdentifiers(
            "lakeforge://" + context.config().pipeline(), table.table(), "TABLE"))));
    schema(table).ifPresent(facets::schema);
    return facets;
  }

  private String path(TableVersion table) {
    return context.lake().path(TableRef.parse(table.table()));
  }

  /** The table's schema at that version, read from the Delta log (no data is read). */
  private Optional<OpenLineage.SchemaDatasetFacet> schema(TableVersion table) {
    try {
      StructType schema = context.spark().read().format("delta").option("versionAsOf", table.version())
          .load(path(table)).schema();
      return Optional.of(ol.newSchemaDatasetFacet(fields(schema)));
    } catch (RuntimeException e) {
      LOG.debug("OpenLineage: no schema for {}", table, e);
      return Optional.empty();
    }
  }

  private List<OpenLineage.SchemaDatasetFacetFields> fields(StructType struct) {
    List<OpenLineage.SchemaDatasetFacetFields> out = new ArrayList<>();
    for (StructField f : struct.fields()) {
      DataType type = f.dataType();
      List<OpenLineage.SchemaDatasetFacetFields> nested = type instanceof StructType s ? fields(s)
          : type instanceof ArrayType a && a.elementType() instanceof StructType s ? fields(s) : null;
      String description = f.getComment().isDefined() ? f.getComment().get() : null;
      out.add(ol.newSchemaDatasetFacetFields(f.name(), type.simpleString(), description, null, nested));
    }
    return out;
  }

  /** Rows, bytes and files of the commit that made this version, as Delta's operation metrics report them. */
  private Optional<OpenLineage.OutputStatisticsOutputDatasetFacet> statistics(TableVersion table) {
    try {
      Map<String, String> metrics = context.lake().commit(table).operationMetrics();
      Long rowCount = number(metrics.get("numOutputRows"));
      if (rowCount == null) {
        return Optional.empty();
      }
      return Optional.of(ol.newOutputStatisticsOutputDatasetFacet(rowCount, number(metrics.get("numOutputBytes")),
          number(metrics.get("numFiles"))));
    } catch (RuntimeException e) {
      LOG.debug("OpenLineage: no statistics for {}", table, e);
      return Optional.empty();
    }
  }

  private static Long number(String text) {
    try {
      return text == null ? null : Long.valueOf(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The registered model version a stage names ({@code model_uri} = models:/NAME/N), in the MLflow registry. */
  private Optional<OpenLineage.Dataset> model(StageResult result) {
    String uri = result.output("model_uri");
    if (uri == null) {
      return Optional.empty();
    }
    Matcher m = MODEL_URI.matcher(uri);
    if (!m.matches()) {
      return Optional.empty();
    }
    String tracking = Optional.ofNullable(result.output("tracking_uri")).filter(s -> !s.isBlank())
        .orElse(context.config().registry().trackingUri());
    var facets = ol.newDatasetFacetsBuilder()
        .version(ol.newDatasetVersionDatasetFacet(m.group(2)))
        .datasetType(ol.newDatasetTypeDatasetFacet("MODEL", "MLFLOW_REGISTERED_MODEL"))
        .symlinks(ol.newSymlinksDatasetFacet(List.of(ol.newSymlinksDatasetFacetIdentifiers(tracking, uri, "MODEL"))))
        .build();
    String namespace = tracking.endsWith("/") ? tracking.substring(0, tracking.length() - 1) : tracking;
    return Optional.of(ol.newInputDatasetBuilder().namespace(namespace).name("models/" + m.group(1))
        .facets(facets).build());
  }
}
