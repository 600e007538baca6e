package io.gadgetflow.local.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The mounts of this process's mount namespace, from {@code /proc/self/mountinfo}: what the kubelet
 * and containerd leave mounted below their folders when they stop (the pods' volumes, root
 * filesystems, network namespaces and {@code /dev/shm}), and the cgroup hierarchies.
 */
final class Mounts {
  private static final Path MOUNT_INFO = Path.of("/proc/self/mountinfo");

  private Mounts() {}

  /** A mount point and its file system type. */
  record Mount(Path mountPoint, String type) {}

  static List<Mount> all() {
    try {
      return Files.readAllLines(MOUNT_INFO).stream().map(Mounts::parse).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + MOUNT_INFO, e);
    }
  }

  /**
   * One line of mountinfo: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": the
   * fifth field is the mount point, the first after " - " the type.
   */
  static Mount parse(String line) {
    String[] fields = line.split(" ");
    int separator = List.of(fields).indexOf("-");
    return new Mount(Path.of(unescape(fields[4])), fields[separator + 1]);
  }

  /** Mount points at or below {@code directory}, deepest first, so each can be unmounted. */
  static List<Path> below(Path directory) {
    Path root = directory.toAbsolutePath().normalize();
    return all().stream()
        .map(Mount::mountPoint)
        .filter(mountPoint -> mountPoint.startsWith(root))
        .distinct()
        .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
        .toList();
  }

  /**
   * Unmounts everything at or below {@code directory}; a mount still busy is detached (lazily
   * unmounted), so nothing is left reachable there.
   */
  static void unmountBelow(Path directory) {
    for (Path mountPoint : below(directory)) {
      if (HostCommand.attempt(List.of("umount", mountPoint.toString())).exitCode() != 0) {
        HostCommand.run(List.of("umount", "--lazy", mountPoint.toString()));
      }
    }
  }

  /** mountinfo writes space, tab, newline and backslash as octal escapes. */
  private static String unescape(String field) {
    StringBuilder text = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        text.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        text.append(c);
      }
    }
    return text.toString();
  }
}
