package io.gadgetflow.kubectl;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** Which cluster a command works on, and whether it says what it does on the way. */
final class ClusterOptions {
  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "The kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).")
  Path kubeconfig;

  @Option(names = "--verbose", description = "Say on stderr what happens on the way.")
  boolean verbose;

  /** Prints a progress line on {@code err} when --verbose was given, else nothing. */
  Consumer<String> progress(PrintWriter err) {
    return verbose
        ? line -> {
          err.println("kubectl-gadget: " + line);
          err.flush();
        }
        : line -> {};
  }
}
