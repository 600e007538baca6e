package io.gadgetflow.controller;

import static io.gadgetflow.controller.Harness.hasOperationAnnotation;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.RecordSchemas;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gadgets whose answers cross the controller (a profile's report at stop, a snapshot at
 * collect) or come as something else than one event per occurrence (a top gadget's table per
 * interval), through a real API server, a real broker and a real node agent on this machine.
 */
@WithKafka
@WithKubernetes
class GadgetsIT {
  private static final int DIRECT_IO_BLOCKS = 256;
  private static final int TOP_WRITES = 7;
  private static final int TOP_BLOCK = 65536;
  private static final int PROFILE_DD_BLOCKS = 40_000;

  @TempDir Path directory;

  Harness platform;
  String node;

  @BeforeEach
  void startPlatform(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    node = InetAddress.getLocalHost().getHostName();
    platform = new Harness(cluster, kafka, cluster.createNamespace("gadgets"));
    platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node);
  }

  @AfterEach
  void stopPlatform() {
    platform.close();
  }

  @Test
  void blockIoLatencyReportsItsHistogramInTheStatusAtStop() throws Exception {
    String name = unique("biolatency");
    platform
        .apply(platform.manifest(name, node, "biolatency", "Manual", "Status", ""))
        .requireSuccess();
    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);

    // Each O_DIRECT block, written then read, is a request to this machine's disk.
    Path file = directory.resolve("direct-io.bin");
    run("dd", "if=/dev/zero", "of=" + file, "bs=4096", "count=" + DIRECT_IO_BLOCKS, "oflag=direct");
    run("dd", "if=" + file, "of=/dev/null", "bs=4096", "iflag=direct");

    platform.annotate(name, "stop");
    Trace completed =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.COMPLETED);

    assertThat(completed.getStatus().getOperationError()).isNull();
    RecordSchemas.assertValid("output-histogram.json", completed.getStatus().getOutput());
    JsonNode report = Json.mapper().readTree(completed.getStatus().getOutput());
    assertThat(report.get("valType").asText()).isEqualTo("usecs");
    assertThat(report.get("data").get(0).get("intervalStart").asLong()).isZero();
    long requests =
        StreamSupport.stream(report.get("data").spliterator(), false)
            .mapToLong(interval -> interval.get("count").asLong())
            .sum();
    assertThat(requests).isGreaterThanOrEqualTo(2 * DIRECT_IO_BLOCKS);

    assertANewStartClearsTheReport(name);
  }

  @Test
  void blockIoLatencyRejectsAFilter() {
    String name = unique("biolatency");
    platform
        .apply(
            platform.manifest(
                name, node, "biolatency", "Manual", "Status", "filter:\n  namespace: default"))
        .requireSuccess();
    platform.annotate(name, "start");

    Trace refused =
        platform.awaitOperationError(name, "Invalid filter: Filtering is not supported");
    assertThat(refused.getStatus().getState()).isNull();
  }

  @Test
  void processCollectorAnswersCollectWithTheProcessesOfTheNode() throws Exception {
    String processes = unique("processes");
    String threads = unique("threads");
    platform
        .apply(platform.manifest(processes, node, "process-collector", "Manual", "Status", ""))
        .requireSuccess();
    platform
        .apply(
            platform.manifest(
                threads,
                node,
                "process-collector",
                "Manual",
                "Status",
                "parameters:\n  show-threads: \"true\""))
        .requireSuccess();
    platform.annotate(processes, "collect");
    platform.annotate(threads, "collect");

    long pid = ProcessHandle.current().pid();
    assertThat(entriesOf(collected(processes), pid)).hasSize(1);
    // A JVM has a main thread, GC and compiler threads at the least.
    assertThat(entriesOf(collected(threads), pid)).hasSizeGreaterThan(3);
  }

  @Test
  void sigsnoopRefusesAnUnknownSignal() {
    String name = unique("sigsnoop");
    platform
        .apply(
            platform.manifest(
                name, node, "sigsnoop", "Manual", "Stream", "parameters:\n  signal: SIGFOO"))
        .requireSuccess();
    platform.annotate(name, "start");

    platform.awaitOperationError(
        name,
        "Invalid value \"SIGFOO\" for parameter \"signal\" of gadget \"sigsnoop\":"
            + " expected a signal number (1-64) or name such as SIGKILL");
  }

  // Top gadgets: a table per interval on the events topic, each record one interval that a
  // consumer reads alone.

  @Test
  void filetopStreamsOneTablePerIntervalWithTheWritesOfAKnownProcess() throws Exception {
    String name = unique("filetop");
    String uid = start(name, "filetop", "sort_by: \"-wbytes\"\nmax_rows: \"500\"");

    String fileName = "filetop-" + UUID.randomUUID() + ".bin";
    long pid =
        run(
            "dd",
            "if=/dev/zero",
            "of=" + directory.resolve(fileName),
            "bs=" + TOP_BLOCK,
            "count=" + TOP_WRITES);

    // The writes may straddle two intervals: the rows of the file add up to what dd did. Every
    // record of the trace is checked on the way; the one that completes the sum ends the reading.
    List<JsonNode> rows = new ArrayList<>();
    List<ConsumerRecord<String, String>> completing =
        platform.kafka.consumeMatching(
            platform.topics.events(),
            record -> {
              if (!record.key().equals(uid)) {
                return false;
              }
              RecordSchemas.assertValid("event-filetop.json", record.value());
              rows.addAll(rowsOf(record.value(), fileName));
              return rows.stream().mapToLong(row -> row.get("wbytes").asLong()).sum()
                  >= (long) TOP_WRITES * TOP_BLOCK;
            },
            1,
            Harness.TIMEOUT);
    assertThat(completing).hasSize(1);
    assertThat(rows)
        .allSatisfy(
            row -> {
              assertThat(row.get("pid").asLong()).isEqualTo(pid);
              assertThat(row.get("comm").asText()).isEqualTo("dd");
              assertThat(row.get("file_type").asText()).isEqualTo("R");
              assertThat(row.get("node").asText()).isEqualTo(node);
              assertThat(row.get("pod").asText()).isEmpty();
            });
    assertThat(rows.stream().mapToLong(row -> row.get("writes").asLong()).sum())
        .isEqualTo(TOP_WRITES);
    assertThat(rows.stream().mapToLong(row -> row.get("wbytes").asLong()).sum())
        .isEqualTo((long) TOP_WRITES * TOP_BLOCK);

    platform.annotate(name, "stop");
    Trace stopped =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
    assertThat(stopped.getStatus().getOperationError()).isNull();
    assertThat(stopped.getStatus().getEvents()).isPositive();
    assertThat(stopped.getStatus().getLostEvents()).isZero();
  }

  @Test
  void biotopReportsEveryIntervalEvenWithNothingToShow() throws Exception {
    String uid = start(unique("biotop"), "biotop", "interval: \"1\"");

    List<ConsumerRecord<String, String>> reports =
        platform.kafka.consumeMatching(
            platform.topics.events(), record -> record.key().equals(uid), 3, Harness.TIMEOUT);

    long previous = 0;
    for (ConsumerRecord<String, String> report : reports) {
      RecordSchemas.assertValid("event-biotop.json", report.value());
      JsonNode event = Json.mapper().readTree(report.value());
      assertThat(event.get("interval").asLong()).isEqualTo(1);
      assertThat(event.get("stats").isArray()).isTrue();
      assertThat(event.get("timestamp").asLong()).isGreaterThan(previous);
      previous = event.get("timestamp").asLong();
      assertThat(new String(report.headers().lastHeader("ce_type").value(), UTF_8))
          .isEqualTo("io.gadgetflow.biotop");
    }
  }

  @Test
  void tcptopRefusesASortOrderOfAColumnItLacks() {
    String name = unique("tcptop");
    platform
        .apply(
            platform.manifest(
                name, node, "tcptop", "Manual", "Stream", "parameters:\n  sort_by: \"-size\""))
        .requireSuccess();
    platform.annotate(name, "start");

    platform.awaitOperationError(
        name,
        "Invalid value \"-size\" for parameter \"sort_by\" of gadget \"tcptop\": no column"
            + " \"size\" to sort by: expected some of pid, comm, ipversion, saddr, sport, daddr,"
            + " dport, sent, received");
  }

  @Test
  void profileReportsTheStacksItSampledInTheStatusAtStop() throws Exception {
    String name = unique("profile");
    platform
        .apply(
            platform.manifest(
                name, node, "profile", "Manual", "Status", "parameters:\n  frequency: \"199\""))
        .requireSuccess();
    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);

    // Reading /dev/zero keeps dd in the kernel, in functions the kernel names in /proc/kallsyms.
    long pid = run("dd", "if=/dev/zero", "of=/dev/null", "bs=65536", "count=" + PROFILE_DD_BLOCKS);

    platform.annotate(name, "stop");
    Trace completed =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.COMPLETED);

    assertThat(completed.getStatus().getOperationError()).isNull();
    String output = completed.getStatus().getOutput();
    RecordSchemas.assertValid("output-profile.json", output);
    // Before its exec, dd's process was Java's spawn helper: those samples have its name.
    List<JsonNode> ofDd =
        StreamSupport.stream(Json.mapper().readTree(output).spliterator(), false)
            .filter(entry -> entry.get("pid").asLong() == pid)
            .filter(entry -> entry.get("comm").asText().equals("dd"))
            .toList();
    assertThat(ofDd)
        .isNotEmpty()
        .allSatisfy(
            entry -> {
              assertThat(entry.get("node").asText()).isEqualTo(node);
              assertThat(entry.get("count").asLong()).isPositive();
            })
        .anySatisfy(
            entry -> assertThat(entry.path("kernelStack").toString()).contains("\"vfs_read\""));

    assertANewStartClearsTheReport(name);
  }

  @Test
  void profileRefusesAFrequencyOutOfRangeAndUserAndKernelStacksOnlyTogether() {
    String both = unique("profile");
    platform
        .apply(
            platform.manifest(
                both,
                node,
                "profile",
                "Manual",
                "Status",
                "parameters:\n  user: \"true\"\n  kernel: \"true\""))
        .requireSuccess();
    platform.annotate(both, "start");
    platform.awaitOperationError(
        both,
        "Failed to start gadget \"profile\": parameters \"user\" and \"kernel\" exclude each"
            + " other: with both, no stack is left");

    String name = unique("profile");
    platform
        .apply(
            platform.manifest(
                name, node, "profile", "Manual", "Status", "parameters:\n  frequency: \"0\""))
        .requireSuccess();
    platform.annotate(name, "start");

    platform.awaitOperationError(
        name,
        "Invalid value \"0\" for parameter \"frequency\" of gadget \"profile\": 0 is out of"
            + " range [1, 10000]");
  }

  private void assertANewStartClearsTheReport(String name) {
    platform.annotate(name, "start");
    Trace restarted =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    assertThat(restarted.getStatus().getOutput()).isNull();
  }

  /** Creates and starts a stream Trace of {@code gadget}; returns its uid once it runs. */
  private String start(String name, String gadget, String parameters) {
    platform
        .apply(
            platform.manifest(
                name, node, gadget, "Manual", "Stream", "parameters:\n" + parameters.indent(2)))
        .requireSuccess();
    platform.annotate(name, "start");
    return platform
        .awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED)
        .getMetadata()
        .getUid();
  }

  private static List<JsonNode> rowsOf(String json, String fileName) {
    try {
      List<JsonNode> rows = new ArrayList<>();
      for (JsonNode row : Json.mapper().readTree(json).get("stats")) {
        if (row.get("filename").asText().equals(fileName)) {
          rows.add(row);
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode collected(String name) throws IOException {
    Trace completed =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.COMPLETED);
    assertThat(completed.getStatus().getOperationError()).isNull();
    assertThat(completed.getStatus().getOperationWarning()).isNull();
    RecordSchemas.assertValid("snapshot-process-collector.json", completed.getStatus().getOutput());
    return Json.mapper().readTree(completed.getStatus().getOutput());
  }

  private static List<JsonNode> entriesOf(JsonNode processes, long pid) {
    assertThat(processes.isArray()).isTrue();
    return StreamSupport.stream(processes.spliterator(), false)
        .filter(process -> process.get("pid").asLong() == pid)
        .toList();
  }

  /** Runs a command to its end; returns its pid. */
  private static long run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
    return process.pid();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static TraceState state(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }
}
