package dev.lakeforge.core.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakeforge.core.error.Errors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Stage results on disk, one JSON file per stage under {@code <state>/<pipeline>/<run date>/}. They are how
 * stages run as separate spark-submit tasks (Airflow) hand outputs to each other.
 */
public final class RunManifests {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Path dir;

  public RunManifests(Path stateRoot, String pipeline, String runDate) {
    this.dir = stateRoot.resolve(pipeline).resolve(runDate);
  }

  public Path dir() {
    return dir;
  }

  /** Written atomically: a killed run never leaves half a manifest. */
  public Path save(StageResult result) {
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, result.stage(), ".tmp");
      JSON.writeValue(tmp.toFile(), result);
      Path target = dir.resolve(result.stage() + ".json");
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write run manifest in " + dir, e);
    }
  }

  public Optional<StageResult> find(String stage) {
    Path file = dir.resolve(stage + ".json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), StageResult.class));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read run manifest " + file, e);
    }
  }

  /** The latest result of {@code stage} for this run date, or an error that says to run it first. */
  public StageResult require(String stage, String needed) {
    return find(stage).orElseThrow(() -> Errors.stageOutputMissing(stage, dir.toString(), needed));
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
