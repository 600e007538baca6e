package io.gadgetflow.controller;

import static io.gadgetflow.controller.Harness.hasOperationAnnotation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.MemoryCgroup;
import io.gadgetflow.testing.RecordSchemas;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * trace open, signal, bind, mount, oomkill, fsslower and capabilities end to end: a Trace with
 * parameters started through the real API server and controller, the node agent of this machine
 * running the gadget, a known workload, its event on Kafka under the Trace's key (as its schema
 * says, enriched with the node), and stop.
 */
@WithKafka
@WithKubernetes
class SyscallGadgetsIT {
  @TempDir Path directory;

  Harness platform;
  String node;

  @BeforeEach
  void startPlatform(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    node = InetAddress.getLocalHost().getHostName();
    platform = new Harness(cluster, kafka, cluster.createNamespace("syscalls"));
    platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node);
  }

  @AfterEach
  void stopPlatform() {
    platform.close();
  }

  @Test
  void opensnoopReportsAFileOpenedByAKnownProcessWithItsDescriptor() throws Exception {
    Started trace = start("opensnoop", "");
    Path file = Files.writeString(directory.resolve("opened-" + UUID.randomUUID()), "x");

    long cat = run("cat", file.toString());

    JsonNode event =
        awaitEvent(
            trace,
            "event-opensnoop.json",
            e -> e.path("pid").asLong() == cat && e.path("path").asText().equals(file.toString()));
    assertThat(event.get("comm").asText()).isEqualTo("cat");
    assertThat(event.get("fd").asInt()).isNotNegative().isEqualTo(event.get("ret").asInt());
    assertThat(event.get("err").asInt()).isZero();
    stop(trace);
  }

  @Test
  void sigsnoopReportsTheChosenSignalWithSenderAndTarget() throws Exception {
    Started trace = start("sigsnoop", "signal: SIGUSR1");

    // perl handles SIGUSR1 and sends it to itself: sender and target are the same process.
    long perl = run("perl", "-e", "$SIG{USR1} = sub {}; kill('USR1', $$) or die \"$!\"");

    JsonNode event = awaitEvent(trace, "event-sigsnoop.json", e -> e.path("pid").asLong() == perl);
    assertThat(event.get("comm").asText()).isEqualTo("perl");
    assertThat(event.get("signal").asText()).isEqualTo("SIGUSR1");
    assertThat(event.get("tpid").asLong()).isEqualTo(perl);
    assertThat(event.get("ret").asInt()).isZero();
    stop(trace);
  }

  @Test
  void bindsnoopReportsABindToTheSelectedPort() throws Exception {
    int port = freePort();
    Started trace = start("bindsnoop", "ports: \"" + port + "\"\nignore_errors: \"false\"");

    long perl =
        run(
            "perl",
            "-MSocket",
            "-e",
            "socket(S, AF_INET, SOCK_STREAM, 0) or die; bind(S, pack_sockaddr_in("
                + port
                + ", inet_aton('127.0.0.1'))) or die");

    JsonNode event = awaitEvent(trace, "event-bindsnoop.json", e -> e.path("pid").asLong() == perl);
    assertThat(event.get("port").asInt()).isEqualTo(port);
    assertThat(event.get("addr").asText()).isEqualTo("127.0.0.1");
    assertThat(event.get("proto").asText()).isEqualTo("TCP");
    stop(trace);
  }

  @Test
  void mountsnoopReportsATmpfsMount() throws Exception {
    Started trace = start("mountsnoop", "");
    String source = "gadgetflow-" + UUID.randomUUID();
    Path target = Files.createDirectory(directory.resolve("mounted"));

    run("mount", "-t", "tmpfs", "-o", "size=1m", source, target.toString());
    run("umount", target.toString());

    // util-linux mounts with mount(2), or with the mount API from 2.39: either way the source
    // shows.
    JsonNode event = awaitEvent(trace, "event-mountsnoop.json", e -> e.toString().contains(source));
    assertThat(event.get("comm").asText()).isEqualTo("mount");
    stop(trace);
  }

  @Test
  void oomkillReportsAProcessKilledInAMemoryCgroup() throws Exception {
    Started trace = start("oomkill", "");
    try (MemoryCgroup cgroup = MemoryCgroup.create(16L << 20)) {
      // dd's 32 MiB buffer, filled from /dev/zero, cannot fit: the kernel kills dd itself.
      Process hog = cgroup.runDdOverLimit(32L << 20);

      JsonNode event =
          awaitEvent(trace, "event-oomkill.json", e -> e.path("kpid").asLong() == hog.pid());
      assertThat(event.get("kcomm").asText()).isEqualTo("dd");
      assertThat(event.get("tpid").asLong()).isEqualTo(hog.pid());
    }
    stop(trace);
  }

  @Test
  void fsslowerReportsWritesToTheChosenFilesystem() throws Exception {
    String filesystem = Files.getFileStore(directory).type();
    Started trace = start("fsslower", "filesystem: " + filesystem + "\nmin: \"0\"");
    Path file = directory.resolve("fsslower-" + UUID.randomUUID());

    long dd = run("dd", "if=/dev/zero", "of=" + file, "bs=4096", "count=3", "status=none");

    List<JsonNode> writes =
        awaitEvents(
            trace,
            "event-fsslower.json",
            e -> e.path("pid").asLong() == dd && e.path("op").asText().equals("W"),
            3);
    assertThat(writes).extracting(e -> e.get("offset").asLong()).containsExactly(0L, 4096L, 8192L);
    assertThat(writes)
        .allSatisfy(
            e -> assertThat(e.get("file").asText()).isEqualTo(file.getFileName().toString()));
    stop(trace);
  }

  @Test
  void capabilitiesReportsACheckWithItsVerdict() throws Exception {
    // unique keeps the node's flood of checks down; a new mount namespace makes perl's first.
    Started trace = start("capabilities", "unique: \"true\"");

    long perl = run("unshare", "--mount", "perl", "-e", "setpriority(0, 0, -1) or die \"$!\"");

    JsonNode event =
        awaitEvent(
            trace,
            "event-capabilities.json",
            e -> e.path("pid").asLong() == perl && e.path("capName").asText().equals("SYS_NICE"));
    assertThat(event.get("verdict").asText()).isEqualTo("Allow");
    assertThat(event.get("syscall").asText()).isEqualTo("setpriority");
    stop(trace);
  }

  @Test
  void invalidParametersAreRefusedWithTheirReason() {
    String ports = unique("bindsnoop");
    platform
        .apply(
            platform.manifest(
                ports, node, "bindsnoop", "Manual", "Stream", "parameters:\n  ports: 80,70000"))
        .requireSuccess();
    String filesystem = unique("fsslower");
    platform
        .apply(
            platform.manifest(
                filesystem,
                node,
                "fsslower",
                "Manual",
                "Stream",
                "parameters:\n  filesystem: vfat"))
        .requireSuccess();
    platform.annotate(ports, "start");
    platform.annotate(filesystem, "start");

    platform.awaitOperationError(
        ports,
        "Invalid value \"80,70000\" for parameter \"ports\" of gadget \"bindsnoop\":"
            + " 70000 is out of range [1, 65535]");
    platform.awaitOperationError(
        filesystem,
        "Invalid value \"vfat\" for parameter \"filesystem\" of gadget \"fsslower\":"
            + " expected one of btrfs, ext4, nfs, overlay, tmpfs, xfs");
  }

  /** A started Trace: its name, and its uid, the key of its events. */
  private record Started(String name, String uid) {}

  /** Creates and starts a Stream Trace of {@code gadget}. */
  private Started start(String gadget, String parameters) {
    String name = unique(gadget);
    String spec = parameters.isEmpty() ? "" : "parameters:\n" + parameters.indent(2);
    platform
        .apply(platform.manifest(name, node, gadget, "Manual", "Stream", spec))
        .requireSuccess();
    platform.annotate(name, "start");
    Trace started =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    assertThat(started.getStatus().getOperationError()).isNull();
    return new Started(name, started.getMetadata().getUid());
  }

  private void stop(Started trace) {
    platform.annotate(trace.name(), "stop");
    platform.awaitTrace(
        trace.name(), t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
  }

  private JsonNode awaitEvent(Started trace, String schema, Predicate<JsonNode> matching)
      throws IOException {
    return awaitEvents(trace, schema, matching, 1).getFirst();
  }

  /** The Trace's events on Kafka that match, each valid against the gadget's schema. */
  private List<JsonNode> awaitEvents(
      Started trace, String schema, Predicate<JsonNode> matching, int count) throws IOException {
    List<ConsumerRecord<String, String>> records =
        platform.kafka.consumeMatching(
            platform.topics.events(),
            r -> r.key().equals(trace.uid()) && matching.test(parse(r.value())),
            count,
            Harness.TIMEOUT);
    List<JsonNode> events = new ArrayList<>();
    for (ConsumerRecord<String, String> record : records) {
      RecordSchemas.assertValid(schema, record.value());
      JsonNode event = Json.mapper().readTree(record.value());
      assertThat(event.get("node").asText()).isEqualTo(node);
      events.add(event);
    }
    return events;
  }

  private static JsonNode parse(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  /** Runs a command to its successful end; returns its pid. */
  private static long run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
    return process.pid();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static TraceState state(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }
}
