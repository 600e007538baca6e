package io.gadgetflow.cli;

import java.util.List;
import sun.misc.Signal;

/**
 * The signals that ask a GadgetFlow process to stop: SIGTERM (Kubernetes ending a pod, a
 * supervisor, {@code kill}) and SIGINT (Ctrl-C). Handled instead of the JVM's default, which runs
 * the shutdown hooks and exits 128 + the signal: a stop asked for is an orderly end, exit 0.
 *
 * <p>{@code sun.misc.Signal} (module {@code jdk.unsupported}) is the JDK's only way to handle a
 * signal; JEP 260 keeps it accessible for exactly this, and javac's warning that it is internal is
 * expected. A second signal while stopping is ignored: Kubernetes follows its grace period with
 * SIGKILL, and a user who cannot wait sends SIGKILL too.
 */
final class StopSignals {
  private static final List<String> STOP = List.of("TERM", "INT");

  private StopSignals() {}

  /** Runs {@code asked} on the JVM's signal thread for each stop signal, from now on. */
  static void onEach(Runnable asked) {
    for (String name : STOP) {
      Signal.handle(new Signal(name), signal -> asked.run());
    }
  }
}
