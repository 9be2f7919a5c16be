package dev.lakeforge.core.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.storage.Storage;
import dev.lakeforge.core.table.TableVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
   * Data lineage of {@code output}, derived from what the stages recorded rather than from a list of stages: the
   * table itself, the reads of the stage of this run date that wrote that version, the reads of the stages that
   * wrote those, and so on. Tables written on another run date end the walk (they are listed, their inputs are not).
   *
   * @return table name to {@code "vN"}; a table reached at two versions keeps the newer
   */
  public Map<String, String> lineage(TableVersion output) {
    Map<TableVersion, List<TableVersion>> readsByWrite = new HashMap<>();
    for (StageResult result : all()) {
      result.writes().forEach(w -> readsByWrite.put(w, result.reads()));
    }
    Map<String, Long> newest = new TreeMap<>();
    Set<TableVersion> seen = new HashSet<>();
    Deque<TableVersion> todo = new ArrayDeque<>(List.of(output));
    while (!todo.isEmpty()) {
      TableVersion table = todo.pop();
      if (seen.add(table)) {
        newest.merge(table.table(), table.version(), Math::max);
        todo.addAll(readsByWrite.getOrDefault(table, List.of()));
      }
    }
    Map<String, String> out = new TreeMap<>();
    newest.forEach((table, version) -> out.put(table, "v" + version));
    return out;
  }

  /** Every stage's latest result for this run date, by stage name. */
  List<StageResult> all() {
    List<StageResult> out = new ArrayList<>();
    for (String file : storage.files(dir)) {
      if (!file.contains("/") && file.endsWith(".json")) {
        find(file.substring(0, file.length() - ".json".length())).ifPresent(out::add);
      }
    }
    return out;
  }
}
