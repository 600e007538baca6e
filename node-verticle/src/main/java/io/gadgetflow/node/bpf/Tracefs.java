package io.gadgetflow.node.bpf;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * libbpf finds a tracepoint's id in tracefs, which a node (or a container) does not always have
 * mounted; the node agent runs as root and mounts it where libbpf looks first.
 */
public final class Tracefs {
  private static final Path TRACEFS = Path.of("/sys/kernel/tracing");
  private static final Path TRACEFS_UNDER_DEBUGFS = Path.of("/sys/kernel/debug/tracing");

  private Tracefs() {}

  /** Mounts tracefs at /sys/kernel/tracing unless tracepoint events are visible already. */
  public static synchronized void ensureMounted() {
    if (root() != null) {
      return;
    }
    try (Arena arena = Arena.ofConfined()) {
      SyscallException.check(
          Libc.mount(
              arena.allocateFrom("tracefs"),
              arena.allocateFrom(TRACEFS.toString()),
              arena.allocateFrom("tracefs"),
              0),
          "mount -t tracefs tracefs " + TRACEFS);
    }
  }

  /**
   * Whether this kernel has the tracepoint a program's section names, e.g. {@code
   * tracepoint/syscalls/sys_enter_open} (absent on arm64). Sections of other kinds count as
   * present.
   */
  public static boolean hasTracepointOf(String sectionName) {
    String[] parts = sectionName.split("/");
    if (parts.length != 3 || !(parts[0].equals("tracepoint") || parts[0].equals("tp"))) {
      return true;
    }
    Path root = root();
    return root != null
        && Files.isDirectory(root.resolve("events").resolve(parts[1]).resolve(parts[2]));
  }

  private static Path root() {
    for (Path candidate : new Path[] {TRACEFS, TRACEFS_UNDER_DEBUGFS}) {
      if (Files.isDirectory(candidate.resolve("events"))) {
        return candidate;
      }
    }
    return null;
  }
}
