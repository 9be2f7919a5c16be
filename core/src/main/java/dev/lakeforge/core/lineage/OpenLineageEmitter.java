package dev.lakeforge.core.lineage;

import dev.lakeforge.core.config.OpenLineageConfig;
import dev.lakeforge.core.run.BuildInfo;
import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.run.StageResult;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.transports.ApiKeyTokenProvider;
import io.openlineage.client.transports.ConsoleTransport;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import io.openlineage.client.transports.Transport;
import io.openlineage.client.utils.UUIDUtils;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Sends each stage's OpenLineage run events (START, then COMPLETE or FAIL, with one run id) through the
 * openlineage-java client and the transport of {@code lineage.openlineage}. Inputs and outputs are the tables@versions
 * of the stage's run manifest ({@link LineageDatasets}). Sending never fails a stage: a transport that fails logs one
 * warning, and the event goes to the log file. {@link #off()} does nothing.
 */
public class OpenLineageEmitter implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OpenLineageEmitter.class);
  /** The producer of every event and facet: this build of Lakeforge. */
  public static final URI PRODUCER = URI.create("https://lakeforge.dev/lakeforge/" + BuildInfo.version());

  /** Spark conf keys the Airflow OpenLineage provider sets on spark-submit (its SparkSubmitOperator injection). */
  public static final String PARENT_JOB_NAMESPACE = "spark.openlineage.parentJobNamespace";
  public static final String PARENT_JOB_NAME = "spark.openlineage.parentJobName";
  public static final String PARENT_RUN_ID = "spark.openlineage.parentRunId";
  public static final String ROOT_PARENT_JOB_NAMESPACE = "spark.openlineage.rootParentJobNamespace";
  public static final String ROOT_PARENT_JOB_NAME = "spark.openlineage.rootParentJobName";
  public static final String ROOT_PARENT_RUN_ID = "spark.openlineage.rootParentRunId";

  private final OpenLineage ol = new OpenLineage(PRODUCER);
  private final RunContext context;
  private final OpenLineageConfig config;
  private final String destination;
  private final OpenLineageClient client;
  private final Optional<OpenLineage.ParentRunFacet> parent;
  private int failures;

  private OpenLineageEmitter() {
    this.context = null;
    this.config = null;
    this.destination = null;
    this.client = null;
    this.parent = Optional.empty();
  }

  private OpenLineageEmitter(RunContext context, OpenLineageConfig config) {
    this.context = context;
    this.config = config;
    this.destination = config.url() == null ? config.transport() : config.url();
    this.client = OpenLineageClient.builder().transport(transport(config)).build();
    org.apache.spark.sql.RuntimeConfig conf = context.spark().conf();
    this.parent = parentFacet(ol, key -> conf.contains(key) ? Optional.of(conf.get(key)) : Optional.empty());
  }

  /** The emitter {@code lineage.openlineage} asks for, or {@link #off()}. */
  public static OpenLineageEmitter create(RunContext context) {
    var lineage = context.config().lineage();
    if (!lineage.openLineageOn()) {
      return off();
    }
    try {
      return new OpenLineageEmitter(context, lineage.openlineage());
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("OpenLineage is off for this run: its {} transport could not be set up ({}); the stages go on",
          lineage.openlineage().transport(), describe(e));
      LOG.debug("OpenLineage transport setup failed", e);
      return off();
    }
  }

  public static OpenLineageEmitter off() {
    return new OpenLineageEmitter();
  }

  public boolean on() {
    return client != null;
  }

  /** Events that could not be sent so far. */
  public int failures() {
    return failures;
  }

  private static Transport transport(OpenLineageConfig config) {
    return switch (config.transport()) {
      case "http" -> {
        HttpConfig http = new HttpConfig();
        http.setUrl(URI.create(config.url()));
        http.setEndpoint(config.endpoint());
        http.setTimeoutInMillis(config.timeoutMs());
        if (config.apiKey() != null && !config.apiKey().isBlank()) {
          ApiKeyTokenProvider auth = new ApiKeyTokenProvider();
          auth.setApiKey(config.apiKey());
          http.setAuth(auth);
        }
        yield new HttpTransport(http);
      }
      case "file" -> new AppendFileTransport(config.url().startsWith("file:")
          ? java.nio.file.Path.of(URI.create(config.url())) : java.nio.file.Path.of(config.url()));
      case "console" -> new ConsoleTransport();
      default -> throw new IllegalArgumentException("no OpenLineage transport '" + config.transport() + "'");
    };
  }

  /** The stage's OpenLineage run: START now, then {@link StageRun#complete} or {@link StageRun#fail}. */
  public StageRun start(String stage) {
    StageRun run = new StageRun(stage, UUIDUtils.generateNewUUID());
    if (on()) {
      emit(run.event(EventType.START, runFacets(stage).build(), List.of(), List.of()));
    }
    return run;
  }

  /** One stage's OpenLineage run. */
  public final class StageRun {
    private final String stage;
    private final UUID runId;

    private StageRun(String stage, UUID runId) {
      this.stage = stage;
      this.runId = runId;
    }

    public UUID runId() {
      return runId;
    }

    /** COMPLETE with the manifest's inputs and outputs. */
    public void complete(StageResult result) {
      if (!on()) {
        return;
      }
      List<OpenLineage.InputDataset> inputs = new ArrayList<>();
      List<OpenLineage.OutputDataset> outputs = new ArrayList<>();
      try {
        LineageDatasets datasets = new LineageDatasets(ol, context);
        inputs.addAll(datasets.inputs(result));
        outputs.addAll(datasets.outputs(result));
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("OpenLineage: the datasets of stage {} could not be described ({}); COMPLETE goes without them",
            stage, describe(e));
        LOG.debug("OpenLineage datasets failed", e);
      }
      emit(event(EventType.COMPLETE, runFacets(stage).build(), inputs, outputs));
    }

    /** FAIL with the error's message and stack trace. */
    public void fail(Throwable error) {
      if (!on()) {
        return;
      }
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      String message = error.getMessage() != null ? error.getMessage() : error.getClass().getName();
      emit(event(EventType.FAIL, runFacets(stage)
          .errorMessage(ol.newErrorMessageRunFacet(message, "JAVA", trace.toString())).build(), List.of(), List.of()));
    }

    private OpenLineage.RunEvent event(EventType type, OpenLineage.RunFacets facets,
        List<OpenLineage.InputDataset> inputs, List<OpenLineage.OutputDataset> outputs) {
      return ol.newRunEventBuilder()
          .eventType(type)
          .eventTime(ZonedDateTime.now(ZoneOffset.UTC))
          .run(ol.newRun(runId, facets))
          .job(ol.newJobBuilder().namespace(config.namespace()).name(jobName(stage))
              .facets(ol.newJobFacetsBuilder()
                  .jobType(ol.newJobTypeJobFacet("BATCH", "LAKEFORGE", "STAGE", null)).build())
              .build())
          .inputs(inputs)
          .outputs(outputs)
          .build();
    }
  }

  /** {@code <pipeline>.<stage>}: one OpenLineage job per stage of a pipeline. */
  public String jobName(String stage) {
    return context.config().pipeline() + "." + stage;
  }

  private OpenLineage.RunFacetsBuilder runFacets(String stage) {
    var facets = ol.newRunFacetsBuilder()
        .processing_engine(ol.newProcessingEngineRunFacet(context.spark().version(), "spark", BuildInfo.version()))
        .nominalTime(ol.newNominalTimeRunFacet(context.runDate().atStartOfDay(ZoneOffset.UTC), null))
        .put(LakeforgeRunFacet.NAME, new LakeforgeRunFacet(PRODUCER, context.config().pipeline(), stage,
            context.runId(), context.runDate().toString(), context.configHash(), context.gitRevision(),
            context.profile(), BuildInfo.version()));
    parent.ifPresent(facets::parent);
    return facets;
  }

  /**
   * The parent run the Airflow OpenLineage provider passed in the Spark conf ({@code --conf} of spark-submit, or
   * {@code -Dspark.openlineage.parentRunId=...} with bin/lakeforge), with its root (the DAG run) when given; empty
   * without one, or when the run id is not a UUID (then with a warning).
   */
  static Optional<OpenLineage.ParentRunFacet> parentFacet(OpenLineage ol, Function<String, Optional<String>> conf) {
    Optional<String> namespace = get(conf, PARENT_JOB_NAMESPACE);
    Optional<String> name = get(conf, PARENT_JOB_NAME);
    Optional<String> runId = get(conf, PARENT_RUN_ID);
    if (namespace.isEmpty() || name.isEmpty() || runId.isEmpty()) {
      return Optional.empty();
    }
    Optional<UUID> parentRun = uuid(PARENT_RUN_ID, runId.get());
    if (parentRun.isEmpty()) {
      return Optional.empty();
    }
    var facet = ol.newParentRunFacetBuilder()
        .job(ol.newParentRunFacetJob(namespace.get(), name.get(), null))
        .run(ol.newParentRunFacetRun(parentRun.get(), null));
    Optional<String> rootNamespace = get(conf, ROOT_PARENT_JOB_NAMESPACE);
    Optional<String> rootName = get(conf, ROOT_PARENT_JOB_NAME);
    Optional<UUID> rootRun = get(conf, ROOT_PARENT_RUN_ID).flatMap(id -> uuid(ROOT_PARENT_RUN_ID, id));
    if (rootNamespace.isPresent() && rootName.isPresent() && rootRun.isPresent()) {
      facet.root(ol.newParentRunFacetRoot(ol.newRootRun(rootRun.get(), null),
          ol.newRootJob(rootNamespace.get(), rootName.get(), null)));
    }
    return Optional.of(facet.build());
  }

  private static Optional<String> get(Function<String, Optional<String>> conf, String key) {
    return conf.apply(key).map(String::strip).filter(v -> !v.isEmpty());
  }

  private static Optional<UUID> uuid(String key, String value) {
    try {
      return Optional.of(UUID.fromString(value));
    } catch (IllegalArgumentException e) {
      LOG.warn("OpenLineage: {} is '{}', not a UUID; the events go without a parent run", key, value);
      return Optional.empty();
    }
  }

  private void emit(OpenLineage.RunEvent event) {
    try {
      client.emit(event);
    } catch (RuntimeException | LinkageError e) {
      failures++;
      LOG.warn("OpenLineage: could not send the {} event of {} to {} ({}); the stage goes on, the event is in the "
          + "log file", event.getEventType(), event.getJob().getName(), destination, describe(e));
      LOG.info("OpenLineage event not sent: {}", OpenLineageClientUtils.toJson(event));
      LOG.debug("OpenLineage transport failure", e);
    }
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : root.getMessage().strip();
    // A server's error page (an HTML 404) is the message of some failures: its first line says enough.
    String first = message.lines().findFirst().orElse("");
    String shown = first.length() > 200 ? first.substring(0, 200) + "..." : first;
    return root.getClass().getSimpleName() + (shown.isBlank() ? "" : ": " + shown
        + (shown.length() < message.length() ? " (more in the log file)" : ""));
  }

  @Override
  public void close() {
    if (client != null) {
      try {
        client.close();
      } catch (Exception e) {
        LOG.debug("OpenLineage client close failed", e);
      }
    }
  }
}
