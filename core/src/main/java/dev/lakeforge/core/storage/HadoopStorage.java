package dev.lakeforge.core.storage;

import dev.lakeforge.core.error.Errors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** {@link Storage} on Hadoop's {@link FileSystem}: whatever schemes the classpath and configuration provide. */
final class HadoopStorage implements Storage {
  /**
   * Schemes whose rename is atomic. Every other scheme is treated as an object store, where a rename is a copy but
   * a single object appears whole when its upload completes (S3, GCS, Azure blobs).
   */
  private static final Set<String> ATOMIC_RENAME = Set.of("file", "hdfs", "viewfs", "webhdfs", "swebhdfs");

  private final Configuration conf;

  HadoopStorage(Configuration conf) {
    this.conf = conf;
  }

  @FunctionalInterface
  private interface Io<T> {
    T run(FileSystem fs, Path path) throws IOException;
  }

  private <T> T io(String action, String path, Io<T> body) {
    Path p = new Path(path);
    try {
      return body.run(fileSystem(p), p);
    } catch (IOException | RuntimeException e) {
      if (e instanceof dev.lakeforge.core.error.LakeforgeException l) {
        throw l;
      }
      throw Errors.storageFailed(action, path, e);
    }
  }

  /**
   * The path's file system; for local paths the raw one, so no {@code .crc} side files appear beside manifests and
   * model files (their checksums would only repeat what the disk guarantees).
   */
  private FileSystem fileSystem(Path p) throws IOException {
    FileSystem fs = p.getFileSystem(conf);
    return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
  }

  @Override
  public String qualify(String path) {
    return io("find", path, (fs, p) -> {
      Path q = fs.makeQualified(p);
      boolean localDefault = "file".equals(FileSystem.getDefaultUri(conf).getScheme());
      return "file".equals(q.toUri().getScheme()) && localDefault ? q.toUri().getPath() : q.toString();
    });
  }

  @Override
  public boolean exists(String path) {
    return io("look for", path, FileSystem::exists);
  }

  @Override
  public boolean isFile(String path) {
    return io("look for", path, (fs, p) -> {
      FileStatus s = status(fs, p);
      return s != null && s.isFile();
    });
  }

  @Override
  public boolean isDirectory(String path) {
    return io("look for", path, (fs, p) -> {
      FileStatus s = status(fs, p);
      return s != null && s.isDirectory();
    });
  }

  private static FileStatus status(FileSystem fs, Path p) throws IOException {
    try {
      return fs.getFileStatus(p);
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  @Override
  public byte[] read(String path) {
    return io("read", path, (fs, p) -> {
      try (InputStream in = fs.open(p)) {
        return in.readAllBytes();
      }
    });
  }

  @Override
  public void write(String path, byte[] bytes) {
    io("write", path, (fs, p) -> {
      put(fs, p, bytes);
      return null;
    });
  }

  private static void put(FileSystem fs, Path p, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs.create(p, true)) {
      out.write(bytes);
    }
  }

  @Override
  public void commit(String path, byte[] bytes) {
    io("write", path, (fs, p) -> {
      if (!atomicRename(fs, p)) {
        // Object store: the object becomes visible only when its single upload completes, all or nothing.
        put(fs, p, bytes);
        return null;
      }
      Path tmp = new Path(p.getParent(), "." + p.getName() + "." + UUID.randomUUID() + ".tmp");
      try {
        put(fs, tmp, bytes);
        if ("file".equals(fs.getUri().getScheme())) {
          // java.io.File#renameTo is rename(2): atomic, and it replaces an existing target.
          if (!fs.rename(tmp, p)) {
            throw new IOException("rename of " + tmp + " to " + p + " failed");
          }
        } else {
          FileContext.getFileContext(p.toUri(), conf).rename(tmp, p, Options.Rename.OVERWRITE);
        }
      } finally {
        fs.delete(tmp, false);
      }
      return null;
    });
  }

  @Override
  public List<String> list(String dir) {
    return io("list", dir, (fs, p) -> {
      List<String> out = new ArrayList<>();
      try {
        for (FileStatus s : fs.listStatus(p)) {
          out.add(s.getPath().getName());
        }
      } catch (FileNotFoundException e) {
        return out;
      }
      out.sort(null);
      return out;
    });
  }

  @Override
  public List<String> files(String dir) {
    return io("list", dir, (fs, p) -> {
      List<String> out = new ArrayList<>();
      if (status(fs, p) == null) {
        return out;
      }
      String base = fs.makeQualified(p).toUri().getPath();
      base = base.endsWith("/") ? base : base + "/";
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(p, true);
      while (it.hasNext()) {
        String file = it.next().getPath().toUri().getPath();
        if (file.startsWith(base)) {
          out.add(file.substring(base.length()));
        }
      }
      out.sort(null);
      return out;
    });
  }

  @Override
  public void delete(String path) {
    io("delete", path, (fs, p) -> fs.delete(p, true));
  }

  @Override
  public void rename(String from, String to) {
    io("rename", from, (fs, p) -> {
      Path target = new Path(to);
      fs.mkdirs(target.getParent());
      if (!fs.rename(p, target)) {
        throw new IOException("the file system refused to rename it to " + to);
      }
      return null;
    });
  }

  @Override
  public boolean atomicRename(String path) {
    return io("look for", path, this::atomicRename);
  }

  private boolean atomicRename(FileSystem fs, Path p) {
    return ATOMIC_RENAME.contains(fs.getUri().getScheme());
  }
}
