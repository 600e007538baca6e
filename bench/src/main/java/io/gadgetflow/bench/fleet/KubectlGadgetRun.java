package io.gadgetflow.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@code kubectl gadget <category> <gadget> -A -o json} run: the real plugin, in a JVM of its
 * own with its launcher's options, creates one Trace per node and prints their events as JSON lines
 * until Ctrl-C ({@link #interrupt}), then stops and deletes them. Keeps, per node, how many events
 * it printed and when the first was printed.
 */
final class KubectlGadgetRun implements AutoCloseable {
  /** The plugin launcher's JVM options (kubectl-gadget/src/main/scripts/kubectl-gadget). */
  private static final List<String> PLUGIN_JVM_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx512m");

  final String command;
  final long launchedMicros;
  final Map<String, AtomicLong> eventsByNode = new ConcurrentHashMap<>();
  final Map<String, Long> firstEventMicros = new ConcurrentHashMap<>();
  final AtomicLong unreadableLines = new AtomicLong();
  private ChildJvm jvm;

  private KubectlGadgetRun(String command, long launchedMicros) {
    this.command = command;
    this.launchedMicros = launchedMicros;
  }

  /**
   * @param command e.g. {@code trace exec}
   */
  static KubectlGadgetRun launch(
      String command, Path kubeconfig, String bootstrapServers, Path stderr) throws IOException {
    KubectlGadgetRun run = new KubectlGadgetRun(command, Clocks.epochMicros());
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(
        List.of(
            "-A",
            "-o",
            "json",
            "--kubeconfig",
            kubeconfig.toString(),
            "--kafka-bootstrap",
            bootstrapServers));
    run.jvm =
        ChildJvm.start(
            "io.gadgetflow.kubectl.KubectlGadgetCommand",
            PLUGIN_JVM_OPTIONS,
            args,
            Map.of(),
            stderr,
            run::printed);
    return run;
  }

  private void printed(String line, long micros) {
    try {
      JsonNode event = Json.mapper().readTree(line);
      String node = event.path("node").asText();
      eventsByNode.computeIfAbsent(node, n -> new AtomicLong()).incrementAndGet();
      firstEventMicros.putIfAbsent(node, micros);
    } catch (IOException e) {
      unreadableLines.incrementAndGet();
    }
  }

  /** Whether the run's JVM ended already (e.g. it could not reach Kafka). */
  boolean ended() {
    return !jvm.isAlive();
  }

  double cpuSeconds() {
    return jvm.cpuSeconds();
  }

  /** Ctrl-C: the run stops its Traces, prints their last events, deletes them and ends. */
  void interrupt() throws IOException, InterruptedException {
    jvm.interrupt();
  }

  /** Waits until the run has stopped and deleted its Traces; returns its exit status. */
  int awaitEnd(Duration timeout) throws InterruptedException {
    if (!jvm.awaitExit(timeout)) {
      throw new IllegalStateException(command + " -A did not end within " + timeout);
    }
    return jvm.exitValue();
  }

  @Override
  public void close() throws Exception {
    jvm.close();
  }
}
