package io.gadgetflow.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The launcher's jar ({@code cli/target/gadgetflow.jar}, built by the cli module before this one),
 * whose roles a fault runs as processes of their own, as their containers run them.
 */
final class LauncherJar {
  private LauncherJar() {}

  /**
   * The jar, from the repository's root (the bench) or from a module's folder (the ITs, which Maven
   * runs there).
   */
  static Path path() {
    Path fromRoot = Path.of("cli", "target", "gadgetflow.jar");
    return Files.exists(fromRoot) ? fromRoot : Path.of("..", "cli", "target", "gadgetflow.jar");
  }

  /**
   * Starts {@code gadgetflow ROLE} with {@code environment}, {@code identity} as its identity in
   * the Lease and its node's name, and a free monitoring port; what it prints goes to {@code log}.
   */
  static Process launch(String role, String identity, Map<String, String> environment, Path log)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow",
                    "-jar",
                    path().toString(),
                    role))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    builder.environment().put("GADGETFLOW_IDENTITY", identity);
    builder.environment().put("GADGETFLOW_NODE_NAME", identity);
    builder.environment().put("GADGETFLOW_METRICS_PORT", "0");
    Process process = builder.start();
    // A run cut short (Ctrl-C, SIGTERM) leaves no role running on the machine.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    return process;
  }
}
