package io.gadgetflow.api.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.json.MalformedRecordException;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaRecordsTest {
  static final Instant TIME = Instant.parse("2026-11-25T10:15:30.123456789Z");

  static final ControlRecord CONTROL =
      new ControlRecord(
          "gadget",
          "exec",
          "6f1c2a3e-0000-4000-8000-000000000001",
          3,
          "node-1",
          "execsnoop",
          new TraceFilter("default,kube-system", "web-0", "nginx", Map.of("app", "web")),
          OutputMode.STREAM,
          null,
          Map.of("pid", "42"),
          Operation.START,
          "op-1",
          true,
          TIME);

  static final NodeReport REPORT =
      new NodeReport(
          "node-1",
          "6f1c2a3e-0000-4000-8000-000000000001",
          "op-1",
          TraceState.STARTED,
          null,
          null,
          "No container matches the requested filter",
          new EventCounters(120, 3),
          TIME);

  @Test
  void controlRecordRoundTrips() {
    assertThat(Json.decode(Json.encode(CONTROL), ControlRecord.class)).isEqualTo(CONTROL);
  }

  @Test
  void nodeReportRoundTrips() {
    assertThat(Json.decode(Json.encode(REPORT), NodeReport.class)).isEqualTo(REPORT);
  }

  @Test
  void countersSayWhereEventsWereLostAndOlderReportsDoNot() throws Exception {
    NodeReport placed =
        REPORT.withNewerCounters(new EventCounters(120, new Losses(1, 2, 3, 4, 5, 6)), TIME);

    JsonNode json = Json.mapper().readTree(Json.encode(placed));
    assertThat(json.at("/counters/lost").asLong()).isEqualTo(21);
    assertThat(json.at("/counters/lostAt/queue").asLong()).isEqualTo(4);
    assertThat(json.at("/counters/lostAt/share").asLong()).isEqualTo(2);
    assertThat(Json.decode(Json.encode(placed), NodeReport.class)).isEqualTo(placed);
    // A report from a node that does not say where has no lostAt at all.
    assertThat(Json.mapper().readTree(Json.encode(REPORT)).at("/counters").has("lostAt")).isFalse();
    assertThat(Json.decode(Json.encode(REPORT), NodeReport.class).counters().lostAt()).isNull();
  }

  @Test
  void enumsAndTimesUseTheirWireForm() throws Exception {
    JsonNode control = Json.mapper().readTree(Json.encode(CONTROL));
    JsonNode report = Json.mapper().readTree(Json.encode(REPORT));

    assertThat(control.get("operation").asText()).isEqualTo("start");
    assertThat(control.get("outputMode").asText()).isEqualTo("Stream");
    assertThat(control.get("time").asText()).isEqualTo("2026-11-25T10:15:30.123456789Z");
    assertThat(control.at("/filter/podname").asText()).isEqualTo("web-0");
    assertThat(report.get("state").asText()).isEqualTo("Started");
    assertThat(report.at("/counters/lost").asLong()).isEqualTo(3);
  }

  @Test
  void unknownFieldsFromNewerWritersAreIgnored() {
    String json =
        """
        {"node":"n","traceUid":"u","operationId":"o","state":"Stopped","fromTheFuture":1}
        """;

    NodeReport report = Json.decode(json.getBytes(StandardCharsets.UTF_8), NodeReport.class);

    assertThat(report.state()).isEqualTo(TraceState.STOPPED);
    assertThat(report.counters()).isEqualTo(EventCounters.NONE);
  }

  @Test
  void garbageIsAMalformedRecord() {
    assertThatThrownBy(
            () -> Json.decode("{not json".getBytes(StandardCharsets.UTF_8), ControlRecord.class))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageStartingWith("ControlRecord: ");
  }

  @Test
  void unknownEnumValueIsAMalformedRecord() {
    byte[] json = "{\"operation\":\"explode\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Json.decode(json, ControlRecord.class))
        .isInstanceOf(MalformedRecordException.class);
  }
}
