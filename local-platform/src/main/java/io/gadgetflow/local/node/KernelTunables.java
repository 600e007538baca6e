package io.gadgetflow.local.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel settings a kubelet changes when it starts (unless told to fail instead, with {@code
 * protectKernelDefaults}): it wants overcommitted memory and a node that panics, and reboots, on an
 * oops. On a machine that also does other work that is not the machine's owner's choice to make for
 * them, so the node puts back what it found once the kubelet has set its values (the kubelet sets
 * them once, at start) and again when it stops.
 */
final class KernelTunables {
  /** The kubelet's list (pkg/kubelet/cm, setupKernelTunables). */
  static final List<String> SET_BY_KUBELET =
      List.of(
          "vm/overcommit_memory",
          "vm/panic_on_oom",
          "kernel/panic",
          "kernel/panic_on_oops",
          "kernel/keys/root_maxkeys",
          "kernel/keys/root_maxbytes");

  private static final Path SYSCTLS = Path.of("/proc/sys");

  private final Map<String, String> found;

  private KernelTunables(Map<String, String> found) {
    this.found = found;
  }

  /** The machine's values now. */
  static KernelTunables read() {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : SET_BY_KUBELET) {
      Path file = SYSCTLS.resolve(name);
      try {
        if (Files.exists(file)) {
          values.put(name, Files.readString(file).strip());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file, e);
      }
    }
    return new KernelTunables(values);
  }

  /** Writes back every value that differs from what {@link #read()} found. */
  void restore() {
    found.forEach(
        (name, value) -> {
          Path file = SYSCTLS.resolve(name);
          try {
            if (!Files.readString(file).strip().equals(value)) {
              Files.writeString(file, value);
            }
          } catch (IOException e) {
            throw new UncheckedIOException("Cannot restore " + file + " to " + value, e);
          }
        });
  }
}
