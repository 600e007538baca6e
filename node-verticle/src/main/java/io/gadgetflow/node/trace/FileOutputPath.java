package io.gadgetflow.node.trace;

import io.gadgetflow.node.bpf.BeneathDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Where {@code outputMode: File} may write on this node: only below the directory the agent is
 * configured with, so that a Trace (which anyone allowed to create one can write) cannot make the
 * root-privileged agent append to {@code /etc/passwd}.
 */
final class FileOutputPath {
  private FileOutputPath() {}

  /** Why {@code spec.output} was refused; the message is the trace's {@code operationError}. */
  static final class Refused extends RuntimeException {
    Refused(String format, Object... args) {
      super(format.formatted(args), null, false, false);
    }
  }

  /**
   * Resolves {@code output} (absolute, or relative to {@code directory}), creates its parent
   * folders below {@code directory} without following any symbolic link, and refuses anything that
   * ends up elsewhere, or has a symbolic link below {@code directory} in its path.
   *
   * @return the file to append to
   * @throws Refused with the user's error
   */
  static Path check(String output, Path directory) {
    if (output == null || output.isBlank()) {
      throw new Refused(
          "Missing output file: spec.output must name a file below \"%s\"", directory);
    }
    Path root = directory.toAbsolutePath().normalize();
    Path file;
    try {
      file = root.resolve(output).normalize();
    } catch (InvalidPathException e) {
      throw new Refused("Invalid output file \"%s\": %s", output, e.getReason());
    }
    if (!file.startsWith(root) || file.equals(root)) {
      throw outside(output, root);
    }
    try {
      // The configured directory is the administrator's: created as it is. Below it, nothing is
      // created before the deepest folder that exists is known to be inside it.
      Files.createDirectories(root);
      Path realRoot = root.toRealPath();
      Path existing = file.getParent();
      while (!Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (!existing.toRealPath().startsWith(realRoot)) {
        throw outside(output, root);
      }
      // Each missing folder made and entered relative to the one before, refusing a symbolic
      // link at any step: a folder swapped for a link after the check above leads nowhere.
      Path relativeParent = root.relativize(file.getParent());
      BeneathDirectories.create(realRoot, relativeParent);
      Path target = realRoot.resolve(relativeParent).resolve(file.getFileName());
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new Refused("Invalid output file \"%s\": it is a directory", output);
      }
      // Opened by EventFile without following any symbolic link in this real path: a folder
      // swapped for a link after this check, a FIFO, a device or a hard link is refused then.
      return target;
    } catch (IOException e) {
      throw new Refused("Cannot write output file \"%s\": %s", output, e.toString());
    }
  }

  private static Refused outside(String output, Path root) {
    return new Refused(
        "Output file \"%s\" is outside \"%s\", the only directory this node writes File output to",
        output, root);
  }
}
