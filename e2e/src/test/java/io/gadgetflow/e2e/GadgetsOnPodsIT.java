package io.gadgetflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The other gadgets, on real pods through kubectl gadget, and outputMode File writing on the node.
 */
@WithGadgetFlowCluster
@Order(20)
class GadgetsOnPodsIT {
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  /** Where the node agent's DaemonSet lets Traces write (k8s/install/07-node.yaml). */
  static final Path OUTPUT_DIRECTORY = Path.of("/var/lib/gadgetflow/output");

  static Workloads workloads;
  static String demo;

  @BeforeAll
  static void deployDemo(GadgetFlowCluster cluster) {
    workloads = Workloads.inNewNamespace(cluster, "e2e-gadgets");
    demo = workloads.deployment("demo");
  }

  @Test
  void traceOpenSeesTheFilesThePodOpens(GadgetFlowCluster cluster) {
    try (KubectlGadget trace = streamOfThePod(cluster, "open")) {
      String marker = Events.marker("open");
      JsonNode event =
          Events.repeatUntilSeen(
              trace,
              marker,
              () ->
                  workloads.exec(
                      demo, "/bin/sh", "-c", "cat /tmp/" + marker + " 2>/dev/null; true"),
              TIMEOUT);

      assertThat(event.path("path").asText()).isEqualTo("/tmp/" + marker);
      assertThat(event.path("comm").asText()).isEqualTo("cat");
      assertThat(event.path("err").asInt()).as("ENOENT").isEqualTo(2);
      assertNamedAfterThePod(event);
    }
  }

  @Test
  void traceTcpSeesThePodConnect(GadgetFlowCluster cluster) {
    try (KubectlGadget trace = streamOfThePod(cluster, "tcp")) {
      // The pod reaches the node's address only; the API server listens there on 443.
      JsonNode event =
          repeatUntil(
              trace,
              line -> line.contains("\"connect\"") && line.contains("\"dport\":443"),
              () ->
                  workloads.exec(
                      demo, "/bin/bash", "-c", "exec 3<>/dev/tcp/198.18.0.1/443; exec 3>&-"));

      assertThat(event.path("daddr").asText()).isEqualTo("198.18.0.1");
      assertThat(event.path("comm").asText()).isEqualTo("bash");
      assertNamedAfterThePod(event);
    }
  }

  @Test
  void traceSignalSeesTheSignalsThePodSends(GadgetFlowCluster cluster) {
    try (KubectlGadget trace = streamOfThePod(cluster, "signal")) {
      JsonNode event =
          repeatUntil(
              trace,
              line -> line.contains("\"SIGUSR1\""),
              () -> workloads.exec(demo, "/bin/sh", "-c", "sleep 30 & kill -USR1 $!"));

      assertThat(event.path("comm").asText()).isEqualTo("sh");
      assertNamedAfterThePod(event);
    }
  }

  @Test
  void profileBlockIoCountsThePodsDirectWrites(GadgetFlowCluster cluster) {
    try (KubectlGadget profile =
        cluster.kubectlGadget("profile", "block-io", "--timeout", "15", "-o", "json")) {
      GadgetFlowTraces.awaitStarted(
          cluster, profile, trace -> "biolatency".equals(trace.getSpec().getGadget()));
      // The container's root is an overlay on this machine's disk: direct writes reach the block
      // layer, one request each.
      workloads.exec(
          demo,
          "/bin/sh",
          "-c",
          "dd if=/dev/zero of=/var/tmp/blocks bs=4096 count=256 oflag=direct");
      assertThat(profile.awaitExit(TIMEOUT)).as(profile.stderr()).isZero();

      JsonNode report = Events.parse(profile.lines().getFirst());
      long requests = 0;
      for (JsonNode interval : report.at("/output/data")) {
        requests += interval.path("count").asLong();
      }
      assertThat(report.path("node").asText()).isEqualTo(cluster.nodeName());
      assertThat(requests).as(report.toString()).isGreaterThanOrEqualTo(256);
    }
  }

  @Test
  void snapshotProcessListsTheNamespacesProcessesOnly(GadgetFlowCluster cluster) {
    try (KubectlGadget snapshot =
        cluster.kubectlGadget("snapshot", "process", "-n", workloads.namespace(), "-o", "json")) {
      assertThat(snapshot.awaitExit(TIMEOUT)).as(snapshot.stderr()).isZero();

      JsonNode result = Events.parse(snapshot.lines().getFirst());
      List<String> commands = new ArrayList<>();
      result.path("output").forEach(process -> commands.add(process.path("comm").asText()));
      // The demo pod runs sleep; the node's own processes (the kubelet, this JVM) are not there.
      assertThat(commands).contains("sleep").doesNotContain("kubelet", "java", "containerd");
    }
  }

  @Test
  void adviseSeccompProfileRecordsWhatThePodCalls(GadgetFlowCluster cluster) {
    String traceId;
    try (KubectlGadget start =
        cluster.kubectlGadget(
            "advise", "seccomp-profile", "start", "-n", workloads.namespace(), "-p", demo)) {
      assertThat(start.awaitExit(TIMEOUT)).as(start.stderr()).isZero();
      traceId = start.lines().getFirst().strip();
    }
    workloads.exec(demo, "/bin/sh", "-c", "mkdir -p /var/tmp/seccomp && rmdir /var/tmp/seccomp");
    try (KubectlGadget stop =
        cluster.kubectlGadget("advise", "seccomp-profile", "stop", traceId, "-o", "json")) {
      assertThat(stop.awaitExit(TIMEOUT)).as(stop.stderr()).isZero();

      JsonNode advice = Events.parse(stop.lines().getFirst());
      List<String> allowed = new ArrayList<>();
      advice
          .at("/output/syscalls")
          .forEach(rule -> rule.path("names").forEach(name -> allowed.add(name.asText())));
      assertThat(advice.path("node").asText()).isEqualTo(cluster.nodeName());
      assertThat(allowed).as(advice.toString()).contains("mkdir", "rmdir", "execve");
    }
  }

  @Test
  void outputModeFileWritesTheEventsOnTheNode(GadgetFlowCluster cluster) throws Exception {
    String name = Events.marker("file");
    Path output = OUTPUT_DIRECTORY.resolve("e2e").resolve(name + ".jsonl");
    cluster
        .kubernetes()
        .kubectlWithInput(
            """
            apiVersion: gadget.kinvolk.io/v1alpha1
            kind: Trace
            metadata:
              name: %1$s
              namespace: gadget
              annotations: {gadget.kinvolk.io/operation: start}
            spec:
              node: %2$s
              gadget: execsnoop
              runMode: Manual
              outputMode: File
              output: e2e/%1$s.jsonl
              filter: {namespace: %3$s, podname: %4$s}
            """
                .formatted(name, cluster.nodeName(), workloads.namespace(), demo),
            "apply",
            "-f",
            "-")
        .requireSuccess();
    try {
      cluster
          .client()
          .resources(Trace.class)
          .inNamespace(Trace.DEFAULT_NAMESPACE)
          .withName(name)
          .waitUntilCondition(
              trace ->
                  trace != null
                      && trace.getStatus() != null
                      && trace.getStatus().getState() == TraceState.STARTED,
              TIMEOUT.toMillis(),
              TimeUnit.MILLISECONDS);
      String marker = Events.marker("file-exec");
      workloads.exec(demo, "/bin/echo", marker);
      String line = awaitLineInFile(output, marker);

      JsonNode event = Events.parse(line);
      assertThat(event.path("comm").asText()).isEqualTo("echo");
      assertNamedAfterThePod(event);
    } finally {
      cluster.kubernetes().kubectl("delete", "trace", "-n", "gadget", name).requireSuccess();
      Files.deleteIfExists(output);
    }
  }

  /** The first line of {@code file} with {@code marker}, as soon as the agent has written it. */
  private static String awaitLineInFile(Path file, String marker)
      throws IOException, InterruptedException {
    Files.createDirectories(file.getParent());
    try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
      file.getParent()
          .register(
              watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (true) {
        if (Files.exists(file)) {
          for (String line : Files.readAllLines(file)) {
            if (line.contains(marker)) {
              return line;
            }
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no line with " + marker + " in " + file);
        }
        WatchKey written = watcher.poll(left, TimeUnit.NANOSECONDS);
        if (written != null) {
          written.pollEvents();
          written.reset();
        }
      }
    }
  }

  private static KubectlGadget streamOfThePod(GadgetFlowCluster cluster, String gadget) {
    return cluster.kubectlGadget(
        "trace", gadget, "-n", workloads.namespace(), "-p", demo, "-o", "json");
  }

  private static JsonNode repeatUntil(
      KubectlGadget trace, Predicate<String> wanted, Runnable action) {
    return Events.repeatUntil(trace, wanted, "the wanted event", action, TIMEOUT);
  }

  private static void assertNamedAfterThePod(JsonNode event) {
    assertThat(event.path("namespace").asText()).isEqualTo(workloads.namespace());
    assertThat(event.path("pod").asText()).isEqualTo(demo);
    assertThat(event.path("container").asText()).isEqualTo(Workloads.CONTAINER);
  }
}
