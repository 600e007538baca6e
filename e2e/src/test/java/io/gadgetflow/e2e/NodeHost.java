package io.gadgetflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The node is this machine: what its containers' processes are, as the kernel sees them, found
 * through the node's containerd.
 */
final class NodeHost {
  private NodeHost() {}

  /** The first process of a container: its task's pid in the node's containerd. */
  static long containerPid(GadgetFlowCluster cluster, String containerId) {
    String tasks =
        run(
            "ctr",
            "--address",
            cluster.containerdSocket().toString(),
            "--namespace",
            "k8s.io",
            "tasks",
            "list");
    return tasks
        .lines()
        .map(line -> line.trim().split("\\s+"))
        .filter(fields -> fields.length >= 3 && fields[0].equals(containerId))
        .mapToLong(fields -> Long.parseLong(fields[1]))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("containerd runs no task " + containerId + ":\n" + tasks));
  }

  /**
   * What {@code /proc/<pid>/status} says of a process's privileges.
   *
   * @param effectiveCapabilities the CapEff bits
   * @param noNewPrivileges whether it may never gain privileges (allowPrivilegeEscalation: false)
   * @param seccompMode 0 none, 2 a filter
   * @param effectiveUid its effective user id
   */
  record Privileges(
      long effectiveCapabilities, boolean noNewPrivileges, int seccompMode, long effectiveUid) {}

  static Privileges privileges(long pid) {
    List<String> status = lines(Path.of("/proc", Long.toString(pid), "status"));
    return new Privileges(
        Long.parseUnsignedLong(field(status, "CapEff"), 16),
        field(status, "NoNewPrivs").equals("1"),
        Integer.parseInt(field(status, "Seccomp")),
        Long.parseLong(field(status, "Uid").split("\\s+")[1]));
  }

  /** Whether the process's root filesystem is mounted read-only, in its own mount namespace. */
  static boolean rootIsReadOnly(long pid) {
    return lines(Path.of("/proc", Long.toString(pid), "mountinfo")).stream()
        .map(line -> line.split(" "))
        .filter(fields -> fields[4].equals("/"))
        .reduce((first, second) -> second) // the last mount on / is the one in effect
        .map(fields -> List.of(fields[5].split(",")).contains("ro"))
        .orElseThrow();
  }

  /** Runs a program of the node to its end; its standard output. */
  static String run(String... command) {
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String field(List<String> status, String name) {
    return status.stream()
        .filter(line -> line.startsWith(name + ":"))
        .map(line -> line.substring(name.length() + 1).strip())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + status));
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
