package io.gadgetflow.controller;

import static io.gadgetflow.controller.Harness.TIMEOUT;
import static io.gadgetflow.controller.Harness.hasOperationAnnotation;
import static io.gadgetflow.controller.Harness.runTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code outputMode: File}: stream gadgets append JSON lines on the node, in one directory only.
 */
@WithKafka
@WithKubernetes
class FileOutputIT {
  @TempDir Path outputDirectory;

  Harness platform;
  String node;

  @BeforeEach
  void startPlatform(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    node = InetAddress.getLocalHost().getHostName();
    platform = new Harness(cluster, kafka, cluster.createNamespace("file-output"));
    platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node, outputDirectory);
  }

  @AfterEach
  void stopPlatform() {
    platform.close();
  }

  @Test
  void streamEventsAreAppendedAsJsonLinesToTheFile() throws Exception {
    String name = "file-" + UUID.randomUUID().toString().substring(0, 8);
    platform
        .apply(
            platform.manifest(
                name, node, "execsnoop", "Manual", "File", "output: execs/" + name + ".jsonl"))
        .requireSuccess();
    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);

    String marker = "gadgetflow-file-" + UUID.randomUUID();
    long pid = runTrue(marker);
    Path file = outputDirectory.resolve("execs").resolve(name + ".jsonl");
    JsonNode event = Json.mapper().readTree(awaitLineContaining(file, marker));
    assertThat(event.get("pid").asLong()).isEqualTo(pid);
    assertThat(event.get("node").asText()).isEqualTo(node);

    platform.annotate(name, "stop");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
    assertThat(Files.readAllLines(file))
        .allSatisfy(line -> assertThat(Json.mapper().readTree(line).isObject()).isTrue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/gadgetflow-file-output-it.jsonl", "../escaped.jsonl", ""})
  void aFileOutsideTheConfiguredDirectoryIsAnOperationError(String output) {
    String name = "outside-" + UUID.randomUUID().toString().substring(0, 8);
    platform
        .apply(
            platform.manifest(
                name, node, "execsnoop", "Manual", "File", "output: \"" + output + "\""))
        .requireSuccess();
    platform.annotate(name, "start");

    Trace refused =
        platform.awaitTrace(
            name, t -> t.getStatus() != null && t.getStatus().getOperationError() != null);
    assertThat(refused.getStatus().getOperationError())
        .contains(output.isEmpty() ? "Missing output file" : "is outside")
        .contains(outputDirectory.toString());
    assertThat(refused.getStatus().getState()).isNull();
    assertThat(Path.of("/etc/gadgetflow-file-output-it.jsonl")).doesNotExist();
    assertThat(outputDirectory.resolveSibling("escaped.jsonl")).doesNotExist();
  }

  /** The file is written by the node agent's reader thread, flushed after each ring poll. */
  private static String awaitLineContaining(Path file, String marker) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      List<String> matching = linesOf(file).stream().filter(l -> l.contains(marker)).toList();
      if (!matching.isEmpty()) {
        return matching.getFirst();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no line with " + marker + " in " + file + ": " + linesOf(file));
  }

  private static List<String> linesOf(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TraceState state(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }
}
