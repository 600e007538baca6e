package io.gadgetflow.controller.kafka;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.kafka.ContractRecords;
import io.gadgetflow.kafka.ContractRecords.Read;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.MissingTopicException;
import io.gadgetflow.kafka.RecordFault;
import io.gadgetflow.kafka.SkippedRecords;
import io.gadgetflow.kafka.TopicReading;
import io.gadgetflow.kafka.TopicStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The operations already handed to nodes, as the compacted control topic holds them: each Trace's
 * latest record names its latest operation. A replica that starts acting reads them once, so an
 * operation another replica (or its own previous life) published is not published again.
 */
public final class HandedOverOperations {
  /** How long one reading waits for an unreachable Kafka before it fails. */
  public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

  private HandedOverOperations() {}

  /**
   * Reads the whole topic on a worker thread; completes with the operation ids.
   *
   * @param skipped where the records that are no trace's desired state are counted
   */
  public static Future<Set<String>> read(
      Vertx vertx, KafkaClients kafka, String topic, SkippedRecords skipped) {
    return vertx.executeBlocking(
        () -> {
          Properties properties = kafka.groupFreeConsumer("gadgetflow-controller-control-history");
          // Unreachable Kafka fails the read soon; the caller tries again.
          properties.put(
              ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
              Long.toString(ATTEMPT_TIMEOUT.toMillis()));
          try (KafkaConsumer<String, byte[]> consumer =
              new KafkaConsumer<>(
                  properties, new StringDeserializer(), new ByteArrayDeserializer())) {
            Map<String, String> latestByTrace = new HashMap<>();
            try {
              TopicReading.toEnd(
                  consumer,
                  TopicStart.beginning(topic),
                  ATTEMPT_TIMEOUT,
                  record -> remember(record, latestByTrace, skipped));
            } catch (MissingTopicException e) {
              // No topic, no operation was ever handed over.
              return Set.<String>of();
            }
            return Set.copyOf(latestByTrace.values());
          }
        },
        false);
  }

  private static void remember(
      ConsumerRecord<String, byte[]> record,
      Map<String, String> latestByTrace,
      SkippedRecords skipped) {
    if (record.key() != null && record.value() == null) {
      latestByTrace.remove(record.key());
      return;
    }
    switch (ContractRecords.controlRecord(record.key(), record.value())) {
      case Read.Valid<ControlRecord>(ControlRecord value) ->
          latestByTrace.put(record.key(), value.operationId());
      case Read.Skipped<ControlRecord>(RecordFault fault, String detail) ->
          skipped.skip(
              SkippedRecords.where(record.topic(), record.partition(), record.offset()),
              fault,
              detail);
    }
  }
}
