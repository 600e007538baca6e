package io.gadgetflow.controller.kafka;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.json.MalformedRecordException;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.MissingTopicException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations already handed to nodes, as the compacted control topic holds them: each Trace's
 * latest record names its latest operation. A replica that starts acting reads them once, so an
 * operation another replica (or its own previous life) published is not published again.
 */
public final class HandedOverOperations {
  private static final Logger LOG = LoggerFactory.getLogger(HandedOverOperations.class);

  /** How long one reading waits for an unreachable Kafka before it fails. */
  public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

  private HandedOverOperations() {}

  /** Reads the whole topic on a worker thread; completes with the operation ids. */
  public static Future<Set<String>> read(Vertx vertx, KafkaClients kafka, String topic) {
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
                  record -> remember(record, latestByTrace));
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
      ConsumerRecord<String, byte[]> record, Map<String, String> latestByTrace) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      latestByTrace.remove(record.key());
      return;
    }
    try {
      latestByTrace.put(
          record.key(), Json.decode(record.value(), ControlRecord.class).operationId());
    } catch (MalformedRecordException e) {
      LOG.warn(
          "Skipping malformed control record at offset {}: {}", record.offset(), e.getMessage());
    }
  }
}
