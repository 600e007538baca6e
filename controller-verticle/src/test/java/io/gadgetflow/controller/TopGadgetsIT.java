package io.gadgetflow.controller;

import static io.gadgetflow.controller.Harness.TIMEOUT;
import static io.gadgetflow.controller.Harness.hasOperationAnnotation;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A top gadget from a Trace through a real API server, a real broker and a real node agent: a table
 * per interval on the events topic, each record one interval that a consumer reads alone. Node-wide
 * Traces live in the platform's namespace, as in Inspektor Gadget.
 */
@WithKafka
@WithKubernetes
class TopGadgetsIT {
  private static final int WRITES = 7;
  private static final int BLOCK = 65536;

  @TempDir Path directory;

  Harness platform;
  String node;

  @BeforeEach
  void startPlatform(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    node = InetAddress.getLocalHost().getHostName();
    platform = new Harness(cluster, kafka, Trace.DEFAULT_NAMESPACE);
    platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node);
  }

  @AfterEach
  void stopPlatform(KubernetesCluster cluster) {
    cluster.kubectl("delete", "-n", Trace.DEFAULT_NAMESPACE, "traces", "--all", "--wait=false");
    platform.close();
  }

  @Test
  void filetopStreamsOneTablePerIntervalWithTheWritesOfAKnownProcess() throws Exception {
    String name = unique("filetop");
    platform
        .apply(
            platform.manifest(
                name,
                node,
                "filetop",
                "Manual",
                "Stream",
                "parameters:\n  sort_by: \"-wbytes\"\n  max_rows: \"500\""))
        .requireSuccess();
    platform.annotate(name, "start");
    String uid =
        platform
            .awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED)
            .getMetadata()
            .getUid();

    String fileName = "filetop-" + UUID.randomUUID() + ".bin";
    long pid =
        run(
            "dd",
            "if=/dev/zero",
            "of=" + directory.resolve(fileName),
            "bs=" + BLOCK,
            "count=" + WRITES);

    // The writes may straddle two intervals: the rows of the file add up to what dd did. Every
    // record of the trace is checked on the way; the one that completes the sum ends the reading.
    List<JsonNode> rows = new ArrayList<>();
    List<ConsumerRecord<String, String>> records =
        platform.kafka.consumeMatching(
            platform.topics.events(),
            record -> {
              if (!record.key().equals(uid)) {
                return false;
              }
              RecordSchemas.assertValid("event-filetop.json", record.value());
              rowsOf(record.value(), fileName).forEach(rows::add);
              return rows.stream().mapToLong(row -> row.get("wbytes").asLong()).sum()
                  >= (long) WRITES * BLOCK;
            },
            1,
            TIMEOUT);
    assertThat(records).hasSize(1);
    assertThat(rows)
        .allSatisfy(
            row -> {
              assertThat(row.get("pid").asLong()).isEqualTo(pid);
              assertThat(row.get("comm").asText()).isEqualTo("dd");
              assertThat(row.get("file_type").asText()).isEqualTo("R");
              assertThat(row.get("node").asText()).isEqualTo(node);
              assertThat(row.get("pod").asText()).isEmpty();
            });
    assertThat(rows.stream().mapToLong(row -> row.get("writes").asLong()).sum()).isEqualTo(WRITES);
    assertThat(rows.stream().mapToLong(row -> row.get("wbytes").asLong()).sum())
        .isEqualTo((long) WRITES * BLOCK);

    platform.annotate(name, "stop");
    Trace stopped =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
    assertThat(stopped.getStatus().getOperationError()).isNull();
    assertThat(stopped.getStatus().getEvents()).isPositive();
    assertThat(stopped.getStatus().getLostEvents()).isZero();
  }

  @Test
  void everyIntervalIsAReportEvenWithNothingToShow() throws Exception {
    String name = unique("biotop");
    platform
        .apply(
            platform.manifest(
                name, node, "biotop", "Manual", "Stream", "parameters:\n  interval: \"1\""))
        .requireSuccess();
    platform.annotate(name, "start");
    String uid =
        platform
            .awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED)
            .getMetadata()
            .getUid();

    List<ConsumerRecord<String, String>> reports =
        platform.kafka.consumeMatching(
            platform.topics.events(), record -> record.key().equals(uid), 3, TIMEOUT);

    long previous = 0;
    for (ConsumerRecord<String, String> report : reports) {
      RecordSchemas.assertValid("event-biotop.json", report.value());
      JsonNode event = Json.mapper().readTree(report.value());
      assertThat(event.get("interval").asLong()).isEqualTo(1);
      assertThat(event.get("stats").isArray()).isTrue();
      assertThat(event.get("timestamp").asLong()).isGreaterThan(previous);
      previous = event.get("timestamp").asLong();
      assertThat(new String(report.headers().lastHeader("ce_type").value()))
          .isEqualTo("io.gadgetflow.biotop");
    }
  }

  @Test
  void aSortOrderOfAColumnTheGadgetLacksIsRefused() {
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

  private static long run(String... command) throws Exception {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
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
