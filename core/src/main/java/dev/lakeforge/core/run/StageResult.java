package dev.lakeforge.core.run;

import dev.lakeforge.core.table.TableVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stage did: tables@versions read and written, its metrics (row counts, model metrics), and named outputs
 * (e.g. the model directory) later stages pick up from the run manifest.
 *
 * @param millis     how long the stage ran, in milliseconds
 * @param finishedAt when the result was built, an ISO-8601 instant ({@link Instant#toString}); null in manifests
 *                   written before it was recorded
 */
public record StageResult(String stage, String runId, String runDate, String configHash, String gitRevision,
    List<TableVersion> reads, List<TableVersion> writes, Map<String, Object> metrics, Map<String, String> outputs,
    long millis, String finishedAt) {

  public StageResult {
    reads = List.copyOf(reads);
    writes = List.copyOf(writes);
    metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
  }

  public String output(String key) {
    return outputs.get(key);
  }

  /** {@link #finishedAt} as an instant; {@link Instant#EPOCH} for a manifest written before it was recorded. */
  public Instant finished() {
    return finishedAt == null ? Instant.EPOCH : Instant.parse(finishedAt);
  }

  /** Collects a stage's result as it runs. */
  public static final class Builder {
    private final RunContext context;
    private final String stage;
    private final long started = System.nanoTime();
    private final List<TableVersion> reads = new ArrayList<>();
    private final List<TableVersion> writes = new ArrayList<>();
    private final Map<String, Object> metrics = new LinkedHashMap<>();
    private final Map<String, String> outputs = new LinkedHashMap<>();

    public Builder(RunContext context, String stage) {
      this.context = context;
      this.stage = stage;
    }

    public Builder read(TableVersion table) {
      if (!reads.contains(table)) {
        reads.add(table);
      }
      return this;
    }

    public Builder wrote(TableVersion table) {
      writes.add(table);
      return this;
    }

    /** Tables read so far, then tables written so far: a write's lineage. */
    public List<TableVersion> inputsSoFar() {
      List<TableVersion> all = new ArrayList<>(reads);
      all.addAll(writes);
      return List.copyOf(all);
    }

    public Builder metric(String name, Object value) {
      metrics.put(name, value);
      return this;
    }

    public Builder output(String name, String value) {
      outputs.put(name, value);
      return this;
    }

    /**
     * {@code verdict} (a failed gate), carrying this result so far: the stage throws it, and
     * {@link RunContext#runStage} saves the result before the error ends the run.
     */
    public StageFailedException failed(dev.lakeforge.core.error.LakeforgeException verdict) {
      return new StageFailedException(verdict, build());
    }

    public StageResult build() {
      return new StageResult(stage, context.runId(), context.runDate().toString(), context.configHash(),
          context.gitRevision(), reads, writes, metrics, outputs, (System.nanoTime() - started) / 1_000_000,
          Instant.now().toString());
    }
  }
}
