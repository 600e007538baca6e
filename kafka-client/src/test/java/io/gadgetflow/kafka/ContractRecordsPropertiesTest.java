package io.gadgetflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.CloudEventHeaders;
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
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
  void anyBatchRecordIsPassedOnOnlyAsItsLinesEachOneJsonObject() {
    SeededCases.check(
        3000,
        random -> {
          byte[] line = PoisonRecords.value(EVENT, random);
          byte[] value = batchOf(EVENT, line, EVENT);
          Read<List<String>> read = ContractRecords.events(UID, value, BATCH, 512 * 1024);

          if (read instanceof Read.Valid<List<String>>(List<String> events)) {
            assertThat(events).hasSizeGreaterThanOrEqualTo(3);
            for (String json : events) {
              assertThat(Json.mapper().readTree(json).isObject()).isTrue();
            }
          }
        });
  }

  @Test
  void aBatchRecordIsReadAsItsEventsInOrder() {
    byte[] second = "{\"timestamp\":2,\"type\":\"normal\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(ContractRecords.events(UID, batchOf(EVENT, second), BATCH, 1024))
        .isEqualTo(
            new Read.Valid<>(
                List.of(
                    new String(EVENT, StandardCharsets.UTF_8),
                    new String(second, StandardCharsets.UTF_8))));
    // Without the batch content type, the same bytes are not one event.
    assertThat(ContractRecords.events(UID, batchOf(EVENT, second), new RecordHeaders(), 1024))
        .isInstanceOf(Read.Skipped.class);
    assertThat(ContractRecords.events(UID, EVENT, new RecordHeaders(), 1024))
        .isEqualTo(new Read.Valid<>(List.of(new String(EVENT, StandardCharsets.UTF_8))));
  }

  @Test
  void aBatchRecordWithOneBadLineIsSkippedWhole() {
    Read<List<String>> read =
        ContractRecords.events(
            UID, batchOf(EVENT, "[1]".getBytes(StandardCharsets.UTF_8)), BATCH, 1024);

    assertThat(read)
        .isInstanceOfSatisfying(
            Read.Skipped.class,
            skipped -> {
              assertThat(skipped.fault()).isEqualTo(RecordFault.WRONG_SHAPE);
              assertThat(skipped.detail()).startsWith("batch line 2: ");
            });
  }

  private static final Headers BATCH =
      new RecordHeaders(
          new Header[] {
            new RecordHeader(
                CloudEventHeaders.CONTENT_TYPE,
                CloudEventHeaders.NDJSON_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8))
          });

  private static byte[] batchOf(byte[]... lines) {
    java.io.ByteArrayOutputStream value = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        value.write('\n');
      }
      value.writeBytes(lines[i]);
    }
    return value.toByteArray();
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
