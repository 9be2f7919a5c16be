package dev.lakeforge.core.lineage;

import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.transports.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code file} transport: each event appended to one file as a JSON line, parent directories created, as the
 * client's own {@code FileTransport} writes them. That one only logs a failed write, so the emitter could not warn
 * and keep the event in the log; this one throws {@link UncheckedIOException} naming the file.
 */
final class AppendFileTransport extends Transport {
  private final Path file;

  AppendFileTransport(Path file) {
    this.file = file;
  }

  @Override
  public void emit(OpenLineage.RunEvent event) {
    append(OpenLineageClientUtils.toJson(event));
  }

  @Override
  public void emit(OpenLineage.DatasetEvent event) {
    append(OpenLineageClientUtils.toJson(event));
  }

  @Override
  public void emit(OpenLineage.JobEvent event) {
    append(OpenLineageClientUtils.toJson(event));
  }

  private synchronized void append(String json) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, json.replace("\n", "") + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
    }
  }
}
