package io.gadgetflow.node.bpf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * Creates the missing folders of a path below a directory the root agent owns, where people who can
 * write that directory could swap any folder for a symbolic link at any moment: each folder is made
 * ({@code mkdirat}) and then opened ({@code openat2} with {@code RESOLVE_NO_SYMLINKS} and {@code
 * RESOLVE_BENEATH}) relative to the descriptor of the folder before it, never by a path name. A
 * link found at any step, made before or swapped in meanwhile, is refused and nothing is created
 * through it; {@code Files.createDirectories} would follow it.
 */
public final class BeneathDirectories {
  private static final long O_DIRECTORY = 0200000;
  private static final long RESOLVE_BENEATH = 0x08;
  private static final int DIRECTORY_MODE = 0750;
  private static final int ENOTDIR = 20;

  private BeneathDirectories() {}

  /**
   * Makes every missing folder of {@code relative} below {@code root} (an absolute path without
   * symbolic links, which must exist).
   *
   * @throws IOException saying which folder is a symbolic link or not a folder, or why it could not
   *     be made
   */
  public static void create(Path root, Path relative) throws IOException {
    if (!root.isAbsolute() || relative.isAbsolute()) {
      throw new IllegalArgumentException(
          "an absolute root and a path relative to it, not " + root + " and " + relative);
    }
    try (Arena arena = Arena.ofConfined()) {
      int directory =
          open(
              arena,
              Libc.AT_FDCWD,
              root.toString(),
              Libc.RESOLVE_NO_SYMLINKS | Libc.RESOLVE_NO_MAGICLINKS);
      if (directory < 0) {
        throw failure(root, -directory);
      }
      Path reached = root;
      try {
        for (Path component : relative) {
          String name = component.toString();
          if (name.isEmpty()) {
            continue; // the empty path: nothing below root to make
          }
          reached = reached.resolve(name);
          if (name.equals("..") || name.equals(".")) {
            throw new IOException(reached + " is not a plain folder name");
          }
          int made = Libc.mkdirat(directory, arena.allocateFrom(name), DIRECTORY_MODE);
          if (made < 0 && -made != Libc.EEXIST) {
            throw failure(reached, -made);
          }
          int next =
              open(
                  arena,
                  directory,
                  name,
                  Libc.RESOLVE_NO_SYMLINKS | Libc.RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH);
          if (next < 0) {
            throw failure(reached, -next);
          }
          Libc.close(directory);
          directory = next;
        }
      } finally {
        Libc.close(directory);
      }
    }
  }

  private static int open(Arena arena, int directory, String name, long resolve) {
    return Libc.openat2(
        directory,
        arena.allocateFrom(name),
        Libc.openHow(arena, Libc.O_PATH | O_DIRECTORY | Libc.O_CLOEXEC, 0, resolve));
  }

  private static IOException failure(Path path, int errno) {
    return switch (errno) {
      case Libc.ELOOP -> new IOException(path + " is a symbolic link; File output follows none");
      case ENOTDIR -> new IOException(path + " is not a folder");
      default -> new IOException(path + ": " + Libc.strerror(errno));
    };
  }
}
