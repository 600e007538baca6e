package io.gadgetflow.cli.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this machine must offer before a node agent can run here, each with one clear line. */
public final class HostChecks {
  private static final Path BTF = Path.of("/sys/kernel/btf/vmlinux");
  private static final Path STATUS = Path.of("/proc/self/status");

  private HostChecks() {}

  /**
   * @throws PlatformException naming what is missing
   */
  public static void requireNodeAgentPrivileges() {
    if (!Files.isReadable(BTF)) {
      throw new PlatformException(
          "this kernel has no BTF (" + BTF + " is missing); the node agent's programs need it");
    }
    if (!runsAsRoot()) {
      throw new PlatformException(
          "the node agent loads eBPF programs and needs root: run it with sudo");
    }
  }

  private static boolean runsAsRoot() {
    try {
      return Files.readAllLines(STATUS).stream()
          .filter(line -> line.startsWith("Uid:"))
          .map(line -> line.split("\\s+")[2])
          .anyMatch("0"::equals);
    } catch (IOException e) {
      return false;
    }
  }
}
