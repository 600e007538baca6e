package io.gadgetflow.local.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel settings a kubelet changes when it starts (unless told to fail instead, with {@code
 * protectKernelDefaults}): it wants overcommitted memory and a node that panics, and reboots, on an
 * oops. On a machine that also does other work that is not the machine's owner's choice to make for
 * them, so the node puts back what it found once the kubelet has set its values (the kubelet sets
 * them once, as its container manager starts, which may be after the node is Ready) and again when
 * it stops.
 */
final class KernelTunables {
  private static final Logger LOG = LoggerFactory.getLogger(KernelTunables.class);

  /** The kubelet's settings and its values (pkg/kubelet/cm, setupKernelTunables). */
  static final Map<String, String> SET_BY_KUBELET = new LinkedHashMap<>();

  static {
    SET_BY_KUBELET.put("vm/overcommit_memory", "1");
    SET_BY_KUBELET.put("vm/panic_on_oom", "0");
    SET_BY_KUBELET.put("kernel/panic", "10");
    SET_BY_KUBELET.put("kernel/panic_on_oops", "1");
    SET_BY_KUBELET.put("kernel/keys/root_maxkeys", "1000000");
    SET_BY_KUBELET.put("kernel/keys/root_maxbytes", "25000000");
  }

  private static final Path SYSCTLS = Path.of("/proc/sys");

  /** More than any of these settings' text. */
  private static final int SETTING_BYTES = 256;

  /** procfs tells nobody of a change: the values are read again this often. */
  private static final Duration RECHECK_PAUSE = Duration.ofMillis(100);

  private final Map<String, String> found;

  private KernelTunables(Map<String, String> found) {
    this.found = found;
    LOG.info("Kernel settings a kubelet changes, as found: {}", found);
  }

  /** The machine's values now. */
  static KernelTunables read() {
    return new KernelTunables(current());
  }

  /**
   * On a thread of its own: waits until the kubelet has set its values (at most {@code timeout}),
   * then writes back what {@link #read()} found.
   */
  void restoreOnceTheKubeletSetsThem(Duration timeout) {
    Thread.ofVirtual()
        .name("kernel-tunables")
        .start(
            () -> {
              long deadline = System.nanoTime() + timeout.toNanos();
              while (!kubeletValuesSet() && System.nanoTime() < deadline) {
                try {
                  Thread.sleep(RECHECK_PAUSE);
                } catch (InterruptedException e) {
                  return;
                }
              }
              restore();
            });
  }

  /** Writes back every value that differs from what {@link #read()} found. */
  synchronized void restore() {
    found.forEach(
        (name, value) -> {
          Path file = SYSCTLS.resolve(name);
          try {
            String now = readSetting(file);
            if (!now.equals(value)) {
              Files.writeString(file, value);
              LOG.info(
                  "Kernel setting {} put back from {} to {}", name.replace('/', '.'), now, value);
            }
          } catch (IOException e) {
            throw new UncheckedIOException("Cannot restore " + file + " to " + value, e);
          }
        });
  }

  private static boolean kubeletValuesSet() {
    Map<String, String> now = current();
    return SET_BY_KUBELET.entrySet().stream()
        .allMatch(
            setting ->
                !now.containsKey(setting.getKey())
                    || setting.getValue().equals(now.get(setting.getKey())));
  }

  private static Map<String, String> current() {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : SET_BY_KUBELET.keySet()) {
      Path file = SYSCTLS.resolve(name);
      try {
        if (Files.exists(file)) {
          values.put(name, readSetting(file));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file, e);
      }
    }
    return values;
  }

  /**
   * One read from the start: procfs answers a sysctl file's reads only at offset 0, so reading it
   * in pieces (as {@code Files.readString} does with a file whose size says 0) gives its first byte
   * alone, "1" for 10 or 1000000.
   */
  static String readSetting(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(SETTING_BYTES), StandardCharsets.US_ASCII).strip();
    }
  }
}
