package dev.lakeforge.core.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Stage results in {@code lake.state}, one JSON file per stage under {@code <state>/<pipeline>/<run date>/}, on any
 * Hadoop path. They are how stages run as separate spark-submit tasks (Airflow) hand outputs to each other, and
 * they are the marker of a stage's other outputs: a model directory counts once a manifest names it.
 */
public final class RunManifests {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Storage storage;
  private final String dir;

  public RunManifests(Storage storage, String stateRoot, String pipeline, String runDate) {
    this.storage = storage;
    this.dir = storage.resolve(storage.qualify(stateRoot), pipeline, runDate);
  }

  /** Manifests under a local directory (tests, tools without a session). */
  public RunManifests(Path stateRoot, String pipeline, String runDate) {
    this(Storage.local(), stateRoot.toAbsolutePath().toString(), pipeline, runDate);
  }

  /** Where the manifests live, and the files they name. */
  public Storage storage() {
    return storage;
  }

  /** The run date's directory, qualified ({@code s3a://...} or an absolute local path). */
  public String dir() {
    return dir;
  }

  /** Written atomically ({@link Storage#commit}): a killed run never leaves half a manifest. */
  public String save(StageResult result) {
    String target = storage.resolve(dir, result.stage() + ".json");
    try {
      storage.commit(target, JSON.writeValueAsBytes(result));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write run manifest " + target, e);
    }
    return target;
  }

  public Optional<StageResult> find(String stage) {
    String file = storage.resolve(dir, stage + ".json");
    if (!storage.isFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(storage.read(file), StageResult.class));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read run manifest " + file, e);
    }
  }

  /** The latest result of {@code stage} for this run date, or an error that says to run it first. */
  public StageResult require(String stage, String needed) {
    return find(stage).orElseThrow(() -> Errors.stageOutputMissing(stage, dir, needed));
  }

  /**
   * Data lineage of this run date: every table the given stages read, with the Delta version each read ("v7"). A
   * table read by two stages keeps the later stage's version.
   */
  public Map<String, String> lineage(List<String> stages) {
    Map<String, String> out = new TreeMap<>();
    for (String stage : stages) {
      find(stage).ifPresent(r -> r.reads().forEach(t -> out.put(t.table(), "v" + t.version())));
    }
    return out;
  }
}
