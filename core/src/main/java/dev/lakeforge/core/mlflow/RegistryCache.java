package dev.lakeforge.core.mlflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Local copies of registered model versions' artifacts. A copy is keyed by what identifies the version, not by its
 * number alone: the tracking server, the model name, the version and the version's run id (and which artifacts
 * were copied), since two servers, or a model deleted and registered again, both have a "v1" of the same name. Each
 * copy holds a stamp with that source and the SHA-256 of every file; a copy is used only when both match, so a
 * changed source or a damaged copy is downloaded again rather than scored with.
 *
 * <p>The stamp is also the copy's commit marker. Where rename is atomic (local, HDFS) a copy is filled under a
 * temporary sibling name and renamed in; on an object store (S3), where rename is a copy, the old stamp is deleted
 * first, the files are written in place and the stamp is written last with one PUT: a copy without a stamp naming
 * every file as it is is never used. The {@link Path} methods serve the Spark-free scorer, which ships without
 * Hadoop; stages use the {@link Storage} ones, so the cache may live on any Hadoop path.
 */
public final class RegistryCache {
  /** The stamp file inside each copy. */
  public static final String STAMP = "lakeforge-registry-source.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistryCache() {}

  /**
   * What a cached copy was downloaded from.
   *
   * @param trackingUri the server as the client reaches it ({@link MlflowClient#base()})
   * @param artifacts the run's artifact paths copied, e.g. [spark-model, lakeforge]
   */
  public record Source(String trackingUri, String name, String version, String runId, List<String> artifacts) {
    /** A short digest of the whole source, for the directory name. */
    String key() {
      return sha256(String.join("\n", trackingUri, name, version, runId, String.join(",", artifacts))
          .getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }
  }

  /** The stamp's content: the source and every file's digest (path relative to the copy, '/'-separated). */
  record Stamp(Source source, Map<String, String> files) {}

  /** The copy's directory under {@code root}: {@code <name>-v<version>-<digest of the source>}. */
  public static Path directory(Path root, Source source) {
    return root.resolve(source.name() + "-v" + source.version() + "-" + source.key());
  }

  /**
   * The verified local copy of {@code source}: the cached one when its stamp names this very source and its files
   * are unchanged, otherwise a fresh one that {@code download} fills (into a temporary sibling first, so an
   * interrupted download is never taken for a model).
   */
  public static Path fetch(Path root, Source source, Consumer<Path> download) {
    Path dir = directory(root, source);
    if (verified(dir, source)) {
      return dir;
    }
    Path partial = dir.resolveSibling(dir.getFileName() + ".partial-" + ProcessHandle.current().pid() + "-"
        + System.nanoTime());
    try {
      Files.createDirectories(root);
      download.accept(partial);
      Files.createDirectories(partial);
      JSON.writeValue(partial.resolve(STAMP).toFile(), new Stamp(source, digests(partial)));
      deleteRecursively(dir);
      Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
      return dir;
    } catch (IOException e) {
      if (verified(dir, source)) { // another process stored the same copy first
        return dir;
      }
      throw new UncheckedIOException("Cannot store the downloaded model in " + dir, e);
    } finally {
      try {
        deleteRecursively(partial);
      } catch (IOException ignored) {
        // a leftover temporary directory is never read as a model
      }
    }
  }

  /** As {@link #directory(Path, Source)}, on any Hadoop path. */
  public static String directory(Storage storage, String root, Source source) {
    return storage.resolve(root, source.name() + "-v" + source.version() + "-" + source.key());
  }

  /** As {@link #fetch(Path, Source, Consumer)}, on any Hadoop path ({@code download} fills the directory given). */
  public static String fetch(Storage storage, String root, Source source, Consumer<String> download) {
    String dir = directory(storage, storage.qualify(root), source);
    if (verified(storage, dir, source)) {
      return dir;
    }
    if (!storage.atomicRename(dir)) {
      // Object store: unstamp, refill in place, stamp last (one PUT); readers trust only a matching stamp.
      storage.delete(storage.resolve(dir, STAMP));
      storage.delete(dir);
      download.accept(dir);
      stamp(storage, dir, source);
      return dir;
    }
    String partial = dir + ".partial-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try {
      download.accept(partial);
      stamp(storage, partial, source);
      storage.delete(dir);
      storage.rename(partial, dir);
      return dir;
    } catch (RuntimeException e) {
      if (verified(storage, dir, source)) { // another process stored the same copy first
        return dir;
      }
      throw e;
    } finally {
      storage.delete(partial); // a leftover temporary directory is never read as a model
    }
  }

  private static void stamp(Storage storage, String dir, Source source) {
    try {
      storage.commit(storage.resolve(dir, STAMP), JSON.writeValueAsBytes(new Stamp(source, digests(storage, dir))));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stamp the downloaded model in " + dir, e);
    }
  }

  /** As {@link #verified(Path, Source)}, on any Hadoop path. */
  public static boolean verified(Storage storage, String dir, Source source) {
    String stamp = storage.resolve(dir, STAMP);
    try {
      if (!storage.isFile(stamp)) {
        return false;
      }
      Stamp recorded = JSON.readValue(storage.read(stamp), Stamp.class);
      return source.equals(recorded.source()) && recorded.files().equals(digests(storage, dir));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** As {@link #digest(Path, List)}, on any Hadoop path: the same value for the same files. */
  public static String digest(Storage storage, String root, List<String> entries) {
    return digestOf(digests(storage, root), entries);
  }

  private static Map<String, String> digests(Storage storage, String dir) {
    Map<String, String> out = new TreeMap<>();
    for (String relative : storage.files(dir)) {
      if (!relative.equals(STAMP)) {
        out.put(relative, sha256(storage.read(storage.resolve(dir, relative))));
      }
    }
    return out;
  }

  /** Whether {@code dir} is a complete copy of {@code source}: stamped with it and every file as stamped. */
  public static boolean verified(Path dir, Source source) {
    Path stamp = dir.resolve(STAMP);
    if (!Files.isRegularFile(stamp)) {
      return false;
    }
    try {
      Stamp recorded = JSON.readValue(stamp.toFile(), Stamp.class);
      return source.equals(recorded.source()) && recorded.files().equals(digests(dir));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * One SHA-256 over the files at {@code entries} under {@code root} (files, or directories walked), by relative
   * path and content: what a model directory's identity is checked by before a registry run's path to it is trusted.
   */
  public static String digest(Path root, List<String> entries) {
    try {
      return digestOf(digests(root), entries);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + root, e);
    }
  }

  private static String digestOf(Map<String, String> all, List<String> entries) {
    StringBuilder listing = new StringBuilder();
    all.forEach((path, sha) -> {
      if (entries.stream().anyMatch(e -> path.equals(e) || path.startsWith(e + "/"))) {
        listing.append(path).append(' ').append(sha).append('\n');
      }
    });
    return sha256(listing.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> digests(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String relative = dir.relativize(f).toString().replace('\\', '/');
        if (!relative.equals(STAMP)) {
          out.put(relative, sha256(f));
        }
      }
    }
    return out;
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
