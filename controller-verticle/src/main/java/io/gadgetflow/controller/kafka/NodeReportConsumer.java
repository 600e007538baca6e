package io.gadgetflow.controller.kafka;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.json.MalformedRecordException;
import io.gadgetflow.api.kafka.KafkaRole;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.kafka.KafkaClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads node reports from the status topic, as one consumer group shared by all controller
 * replicas; only the acting replica subscribes.
 */
public final class NodeReportConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(NodeReportConsumer.class);

  /** The group the broker's ACLs allow the controller. */
  public static final String GROUP_ID = KafkaRole.CONTROLLER_GROUP;

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;

  NodeReportConsumer(KafkaConsumer<String, byte[]> consumer, String topic) {
    this.consumer = consumer;
    this.topic = topic;
  }

  /**
   * @param identity the controller replica's, which names its client
   */
  public static NodeReportConsumer create(
      Vertx vertx, KafkaClients kafka, String topic, String identity) {
    Properties config = kafka.groupConsumer(GROUP_ID, "gadgetflow-controller-status-" + identity);
    // Applying a report twice is harmless (status is only written when it changes), so
    // at-least-once with periodic commits is enough.
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
    // A new group must not miss an answer written before its partitions were assigned.
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new NodeReportConsumer(
        KafkaConsumer.create(vertx, config, new StringDeserializer(), new ByteArrayDeserializer()),
        topic);
  }

  public Future<Void> subscribe(Consumer<NodeReport> handler) {
    consumer.handler(
        record -> {
          if (record.value() == null) {
            return;
          }
          try {
            handler.accept(Json.decode(record.value(), NodeReport.class));
          } catch (MalformedRecordException e) {
            LOG.warn(
                "Skipping malformed record at {}-{}@{}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                e.getMessage());
          }
        });
    return consumer.subscribe(topic);
  }

  public Future<Void> unsubscribe() {
    return consumer.unsubscribe();
  }

  public Future<Void> close() {
    return consumer.close();
  }
}
