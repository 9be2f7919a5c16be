package dev.lakeforge.core.storage;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The files of the lake that are not Delta tables (run manifests, model directories, reports, the registry cache),
 * on any Hadoop file system: {@code file:}, {@code s3a://}, {@code hdfs://}. Paths are Hadoop path strings; a
 * relative one is resolved against the default file system's working directory, so {@code data/state} keeps
 * meaning the local directory when no cluster file system is configured.
 *
 * <p>Atomic writes ({@link #commit}) follow the store: on a file system with atomic rename (local, HDFS) the bytes
 * go to a hidden sibling that is renamed over the target; on an object store (S3) a single-object PUT is already
 * all-or-nothing, so the bytes go straight to the target. A directory of many files is published by writing a
 * small marker last with {@code commit}; readers trust only what a marker names (docs/architecture.md, Storage).
 */
public interface Storage {
  /** Storage over the Hadoop configuration of a session ({@code spark.sparkContext().hadoopConfiguration()}). */
  static Storage of(Configuration hadoop) {
    return new HadoopStorage(hadoop);
  }

  /** Storage with Hadoop's defaults: local paths, and any other scheme with default settings. */
  static Storage local() {
    return new HadoopStorage(new Configuration());
  }

  /**
   * The path as manifests and outputs record it: absolute, so another process finds it whatever its working
   * directory. A path on the local file system stays a plain absolute path when the default file system is local
   * (as before); anything else keeps its scheme and authority ({@code s3a://bucket/...}).
   */
  String qualify(String path);

  /** {@code parent/name/...}: a child path; works for URIs ({@code s3a://b/x}) as for plain paths. */
  default String resolve(String parent, String... names) {
    StringBuilder out = new StringBuilder(parent);
    for (String name : names) {
      if (out.length() > 0 && out.charAt(out.length() - 1) != '/') {
        out.append('/');
      }
      out.append(name);
    }
    return out.toString();
  }

  boolean exists(String path);

  boolean isFile(String path);

  boolean isDirectory(String path);

  /** The whole file; it must exist. */
  byte[] read(String path);

  default String readString(String path) {
    return new String(read(path), StandardCharsets.UTF_8);
  }

  /** Creates or replaces a file (and its parent directories). Not atomic on a file system: use for data files. */
  void write(String path, byte[] bytes);

  default void writeString(String path, String text) {
    write(path, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Creates or replaces a file atomically: a reader sees the old bytes or the new ones, never part of them. */
  void commit(String path, byte[] bytes);

  /** The names of the entries directly in {@code dir}, sorted; empty when it does not exist. */
  List<String> list(String dir);

  /** Every file under {@code dir} as a '/'-separated path relative to it, sorted; empty when it does not exist. */
  List<String> files(String dir);

  /** Deletes a file or a directory with everything in it; nothing happens when it does not exist. */
  void delete(String path);

  /**
   * Renames {@code from} to {@code to} (which must not exist). Atomic only where {@link #atomicRename} says so; on
   * an object store it is a copy and a delete.
   */
  void rename(String from, String to);

  /** Whether a rename under {@code path} is atomic (local and HDFS), rather than a copy (object stores). */
  boolean atomicRename(String path);
}
