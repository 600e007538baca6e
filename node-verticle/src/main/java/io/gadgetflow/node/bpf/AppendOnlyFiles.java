package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens a file the root agent appends a Trace's events to, where people who can write the output
 * directory could have put anything: the path is resolved by the kernel without following any
 * symbolic link ({@code openat2} with {@code RESOLVE_NO_SYMLINKS}, so a folder swapped for a link
 * after the path was checked is refused too), the object found is inspected through its own file
 * descriptor before a byte is written ({@code O_PATH}, then {@code statx}), and only a regular file
 * with a single link is written to: a FIFO (which would block the agent, or feed another process),
 * a device, or a hard link to a file elsewhere (such as {@code /etc/shadow}) is refused. Nothing is
 * checked by name and then opened by name again.
 */
public final class AppendOnlyFiles {
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final long O_WRONLY = 01;
  private static final long O_CREAT = 0100;
  private static final long O_EXCL = 0200;
  private static final long O_APPEND = 02000;
  private static final int STATX_TYPE = 0x1;
  private static final int STATX_NLINK = 0x4;
  private static final long STATX_BYTES = 256;
  private static final long STATX_NLINK_OFFSET = 16;
  private static final long STATX_MODE_OFFSET = 28;
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int FILE_MODE = 0640;
  private static final int ENOENT = 2;
  private static final int ATTEMPTS = 3;

  private AppendOnlyFiles() {}

  /**
   * Opens {@code path} (absolute, no symbolic link anywhere in it) for appending, creating it when
   * it does not exist.
   *
   * @throws IOException saying why, in words the Trace's author can act on
   */
  public static OutputStream open(Path path) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocateFrom(path.toString());
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        int fd = openat2(arena, name, Libc.O_PATH | Libc.O_CLOEXEC, 0);
        if (fd == -ENOENT) {
          fd =
              openat2(
                  arena, name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | Libc.O_CLOEXEC, FILE_MODE);
          if (fd == -Libc.EEXIST) {
            continue; // made by someone else in between: inspect it like any existing file
          }
        }
        if (fd == -Libc.ELOOP) {
          throw new IOException(path + " has a symbolic link in its path");
        }
        if (fd < 0) {
          throw new IOException(path + ": " + Libc.strerror(-fd));
        }
        try {
          requireSingleLinkedRegularFile(arena, fd, path);
          // Opens the very object the descriptor holds, not whatever the name means by now.
          return Files.newOutputStream(
              Path.of("/proc/self/fd/" + fd), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } finally {
          Libc.close(fd);
        }
      }
      throw new IOException(path + " kept changing while it was opened");
    }
  }

  private static int openat2(Arena arena, MemorySegment name, long flags, long mode) {
    return Libc.openat2(
        Libc.AT_FDCWD,
        name,
        Libc.openHow(arena, flags, mode, Libc.RESOLVE_NO_SYMLINKS | Libc.RESOLVE_NO_MAGICLINKS));
  }

  private static void requireSingleLinkedRegularFile(Arena arena, int fd, Path path)
      throws IOException {
    MemorySegment stat = arena.allocate(STATX_BYTES, 8);
    int result =
        Libc.statx(fd, arena.allocateFrom(""), AT_EMPTY_PATH, STATX_TYPE | STATX_NLINK, stat);
    if (result < 0) {
      throw new IOException(path + ": " + Libc.strerror(-result));
    }
    int type = Short.toUnsignedInt(stat.get(JAVA_SHORT, STATX_MODE_OFFSET)) & S_IFMT;
    if (type != S_IFREG) {
      throw new IOException(path + " is " + typeName(type) + ", not a regular file");
    }
    int links = stat.get(JAVA_INT, STATX_NLINK_OFFSET);
    if (links != 1) {
      throw new IOException(
          path + " has " + links + " hard links; File output writes only to a file of its own");
    }
  }

  private static String typeName(int type) {
    return switch (type) {
      case 0010000 -> "a FIFO";
      case 0020000 -> "a character device";
      case 0060000 -> "a block device";
      case 0040000 -> "a directory";
      case 0140000 -> "a socket";
      default -> "not a regular file";
    };
  }
}
