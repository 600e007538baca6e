package io.gadgetflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gadgetflow up} when Kafka or the control plane cannot start. The two start side by side,
 * so the part that fails waits for the other: the user reads the failing part's one line, the other
 * part is stopped again, the exit code is 1 and no program is left running on the data directory.
 */
class UpStartFailureIT {
  private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(2);

  @TempDir Path dataDir;

  @Test
  void aTakenKafkaPortStopsTheControlPlaneThatStartedBesideIt() throws Exception {
    Path stderr = Path.of("target", "up-kafka-port-taken.log");
    try (ServerSocket taken = takePort();
        UpProcess up = UpProcess.start(dataDir, "node-1", stderr, taken.getLocalPort(), 0)) {
      assertThat(up.awaitExit(EXIT_TIMEOUT)).as("gadgetflow up exits").isTrue();

      assertThat(up.exitValue()).isEqualTo(1);
      List<String> lines = Files.readAllLines(stderr);
      assertThat(lines.getLast())
          .startsWith("gadgetflow: Kafka cannot listen on 127.0.0.1:" + taken.getLocalPort());
      assertThat(lines).anyMatch(line -> line.matches(".*Kubernetes API server on \\S+ stopped"));
      assertThat(programsOn(dataDir)).isEmpty();
    }
  }

  @Test
  void aTakenApiServerPortStopsTheBrokerThatStartedBesideIt() throws Exception {
    Path stderr = Path.of("target", "up-api-server-port-taken.log");
    try (ServerSocket taken = takePort();
        UpProcess up = UpProcess.start(dataDir, "node-1", stderr, 0, taken.getLocalPort())) {
      assertThat(up.awaitExit(EXIT_TIMEOUT)).as("gadgetflow up exits").isTrue();

      assertThat(up.exitValue()).isEqualTo(1);
      List<String> lines = Files.readAllLines(stderr);
      assertThat(lines.getLast())
          .startsWith(
              "gadgetflow: The API server cannot listen on 127.0.0.1:" + taken.getLocalPort());
      assertThat(lines).anyMatch(line -> line.matches(".*Kafka on \\S+ stopped"));
      assertThat(programsOn(dataDir)).isEmpty();
    }
  }

  private static ServerSocket takePort() throws IOException {
    return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  /** Processes whose command line names the data directory: etcd, kube-apiserver, the JVM. */
  private static List<ProcessHandle> programsOn(Path dataDir) {
    return ProcessHandle.allProcesses()
        .filter(process -> process.info().commandLine().orElse("").contains(dataDir.toString()))
        .toList();
  }
}
