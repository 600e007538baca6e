package io.gadgetflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.kafka.ContractRecords.Read;
import io.gadgetflow.testing.PoisonRecords;
import io.gadgetflow.testing.SeededCases;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Whatever is written to a contract topic, reading it answers: a record that carries what its
 * readers rely on, or the kind of fault to count. The values come from {@link PoisonRecords}:
 * arbitrary bytes, JSON of every shape, the contract's records with fields missing, of the wrong
 * type or extra, and records near Kafka's size limit.
 */
class ContractRecordsPropertiesTest {
  private static final String UID = "6f1c2a9e-0b7d-4a53-9d59-3e2f1c0b8a71";

  private static final byte[] CONTROL =
      Json.encode(
          new ControlRecord(
              "gadget",
              "exec",
              UID,
              1,
              "node-1",
              "execsnoop",
              null,
              OutputMode.STREAM,
              null,
              Map.of("k", "v"),
              Operation.START,
              "op-1",
              true,
              Instant.EPOCH));
  private static final byte[] STATUS =
      Json.encode(
          new NodeReport(
              "node-1",
              UID,
              "op-1",
              TraceState.STARTED,
              "[]",
              null,
              null,
              new EventCounters(3, 1),
              Instant.EPOCH));
  private static final byte[] EVENT =
      "{\"timestamp\":1,\"type\":\"normal\",\"pid\":4,\"comm\":\"true\",\"node\":\"n\"}"
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void anyControlValueIsReadOrSkippedWithAFault() {
    SeededCases.check(
        3000,
        random -> controlValueIsReadOrSkipped(key(random), PoisonRecords.value(CONTROL, random)));
  }

  private static void controlValueIsReadOrSkipped(String key, byte[] value) {
    Read<ControlRecord> read = ContractRecords.controlRecord(key, value);

    switch (read) {
      case Read.Valid<ControlRecord>(ControlRecord record) -> {
        assertThat(record.traceUid()).isEqualTo(key);
        assertThat(record.node()).isNotBlank();
        assertThat(record.gadget()).isNotBlank();
        assertThat(record.operation()).isNotNull();
        assertThat(record.operationId()).isNotBlank();
        assertThat(record.traceNamespace()).isNotBlank();
        assertThat(record.traceName()).isNotBlank();
      }
      case Read.Skipped<ControlRecord>(RecordFault fault, String detail) -> {
        assertThat(fault).isNotNull();
        assertThat(detail).isNotNull().hasSizeLessThan(2000);
      }
    }
  }

  @Test
  void anyStatusValueIsReadOrSkippedWithAFault() {
    SeededCases.check(
        3000,
        random -> statusValueIsReadOrSkipped(key(random), PoisonRecords.value(STATUS, random)));
  }

  private static void statusValueIsReadOrSkipped(String key, byte[] value) {
    Read<NodeReport> read = ContractRecords.nodeReport(key, value);

    switch (read) {
      case Read.Valid<NodeReport>(NodeReport report) -> {
        assertThat(report.traceUid()).isEqualTo(key);
        assertThat(report.node()).isNotBlank();
        assertThat(report.operationId()).isNotBlank();
        assertThat(report.counters().events()).isNotNegative();
        assertThat(report.counters().lost()).isNotNegative();
      }
      case Read.Skipped<NodeReport>(RecordFault fault, String detail) ->
          assertThat(detail).isNotNull().hasSizeLessThan(2000);
    }
  }

  @Test
  void anyEventValueIsPassedOnOnlyAsOneJsonObject() {
    SeededCases.check(
        3000,
        random -> eventValueIsPassedOnAsAnObject(key(random), PoisonRecords.value(EVENT, random)));
  }

  private static void eventValueIsPassedOnAsAnObject(String key, byte[] value) throws Exception {
    Read<String> read = ContractRecords.event(key, value, 512 * 1024);

    if (read instanceof Read.Valid<String>(String json)) {
      assertThat(Json.mapper().readTree(json).isObject()).isTrue();
      assertThat(value.length).isLessThanOrEqualTo(512 * 1024);
    }
  }

  @Test
  void arbitraryBytesAreNeverAControlRecord() {
    SeededCases.check(
        500,
        random -> {
          byte[] value = new byte[random.nextInt(301)];
          random.nextBytes(value);
          assertThat(ContractRecords.controlRecord(UID, value)).isInstanceOf(Read.Skipped.class);
        });
  }

  /** The trace's UID, any text, or no key at all. */
  private static String key(RandomGenerator random) {
    return switch (random.nextInt(3)) {
      case 0 -> UID;
      case 1 -> PoisonRecords.anyText(random, 40);
      default -> null;
    };
  }
}
