package io.gadgetflow.node.gadget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this JVM's process, and short-lived child processes to trace. */
public final class TestProcesses {
  private TestProcesses() {}

  /** Runs a command to its end; returns its pid. */
  public static long run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).inheritIO().start();
    int exitCode = process.waitFor();
    if (exitCode != 0) {
      throw new AssertionError(String.join(" ", command) + " exited with " + exitCode);
    }
    return process.pid();
  }

  public static long currentUid() throws IOException {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
  }

  public static long currentGid() throws IOException {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue();
  }

  /** The inode number in {@code /proc/self/ns/mnt -> mnt:[4026531841]}. */
  public static long currentMountNamespace() throws IOException {
    return namespaceOf(ProcessHandle.current().pid(), "mnt");
  }

  /** The inode number in {@code /proc/<pid>/ns/<type> -> <type>:[4026531841]}, e.g. "net". */
  public static long namespaceOf(long pid, String type) throws IOException {
    String link =
        Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", type)).toString();
    return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
  }
}
