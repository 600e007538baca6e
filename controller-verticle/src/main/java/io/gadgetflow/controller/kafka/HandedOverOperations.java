package io.gadgetflow.controller.kafka;

import io.gadgetflow.api.config.KafkaSecurity;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.json.MalformedRecordException;
import io.gadgetflow.api.kafka.ControlRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
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
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  /** How long one reading waits for an unreachable Kafka before it fails. */
  public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

  private HandedOverOperations() {}

  /** Reads the whole topic on a worker thread; completes with the operation ids. */
  public static Future<Set<String>> read(
      Vertx vertx, String bootstrapServers, KafkaSecurity security, String topic) {
    return vertx.executeBlocking(
        () -> {
          Map<String, Object> properties =
              security.groupFreeConsumerProperties(
                  bootstrapServers, "gadgetflow-controller-control-history");
          // Unreachable Kafka fails the read soon; the caller tries again.
          properties.put(
              ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ATTEMPT_TIMEOUT.toMillis());
          try (KafkaConsumer<String, byte[]> consumer =
              new KafkaConsumer<>(
                  properties, new StringDeserializer(), new ByteArrayDeserializer())) {
            return latestOperationIds(consumer, topic);
          }
        },
        false);
  }

  private static Set<String> latestOperationIds(
      KafkaConsumer<String, byte[]> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    Map<String, String> latestByTrace = new HashMap<>();
    while (!ends.entrySet().stream()
        .allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL_TIMEOUT)) {
        if (record.key() == null) {
          continue;
        }
        if (record.value() == null) {
          latestByTrace.remove(record.key());
          continue;
        }
        try {
          latestByTrace.put(
              record.key(), Json.decode(record.value(), ControlRecord.class).operationId());
        } catch (MalformedRecordException e) {
          LOG.warn(
              "Skipping malformed control record at offset {}: {}",
              record.offset(),
              e.getMessage());
        }
      }
    }
    return Set.copyOf(latestByTrace.values());
  }
}
