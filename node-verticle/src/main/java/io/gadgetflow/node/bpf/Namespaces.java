package io.gadgetflow.node.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The ids Linux gives a process's namespaces: the inode numbers behind {@code /proc/<pid>/ns}. */
public final class Namespaces {
  public static final String MOUNT = "mnt";
  public static final String NETWORK = "net";

  private Namespaces() {}

  /** Whether a {@code /proc} entry is a process's directory. */
  public static boolean isProcess(Path procEntry) {
    String name = procEntry.getFileName().toString();
    return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /**
   * The inode number in {@code <process>/ns/<type> -> <type>:[4026531841]}.
   *
   * @param process a {@code /proc/<pid>} or {@code /proc/thread-self} directory
   */
  public static long idOf(Path process, String type) throws IOException {
    String link = Files.readSymbolicLink(process.resolve("ns").resolve(type)).toString();
    int open = link.indexOf('[');
    int close = link.indexOf(']');
    if (!link.startsWith(type + ":") || open < 0 || close < open) {
      throw new IOException("unexpected " + type + " namespace link " + link);
    }
    return Long.parseLong(link, open + 1, close, 10);
  }
}
