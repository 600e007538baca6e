package io.gadgetflow.controller.kafka;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.kafka.ControlPartitions;
import io.gadgetflow.kafka.KafkaClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes Traces' desired state and operations to the compacted control topic. */
public final class ControlPublisher {
  /**
   * The most the close waits for Kafka to take the records in flight: a share of the controller's
   * stop, which must end within its pod's termination grace period also while Kafka is away.
   */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

  private final Vertx vertx;
  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  ControlPublisher(Vertx vertx, KafkaProducer<String, byte[]> producer, String topic) {
    this.vertx = vertx;
    this.producer = producer;
    this.topic = topic;
  }

  public static ControlPublisher create(Vertx vertx, KafkaClients kafka, String topic) {
    Properties config = kafka.producer("gadgetflow-controller");
    // Operations are rare and a user waits on each: send at once rather than batch.
    config.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    return new ControlPublisher(
        vertx,
        KafkaProducer.create(vertx, config, new StringSerializer(), new ByteArraySerializer()),
        topic);
  }

  /**
   * Completes once the broker has the record on all in-sync replicas. The record goes to its node's
   * partition ({@link ControlPartitions}), the only one that node's agent reads, and names its node
   * in a header too ({@link ControlRecord#NODE_HEADER}), so that the agents of the other nodes of
   * that partition pass over it without decoding it.
   */
  public Future<Void> publish(ControlRecord record) {
    return placed(record.node(), record.traceUid(), Json.encode(record))
        .map(placed -> placed.addHeader(ControlRecord.NODE_HEADER, record.node()))
        .compose(producer::send)
        .mapEmpty();
  }

  /**
   * Removes a deleted Trace from the compacted topic, so restarted nodes forget it: in the
   * partition of its node ({@code node}), where its records are.
   */
  public Future<Void> tombstone(String traceUid, String node) {
    return placed(node, traceUid, null).compose(producer::send).mapEmpty();
  }

  /**
   * The record of {@code traceUid} in {@code node}'s partition, by the producer's metadata of the
   * topic (fetched once, then kept and refreshed by the producer).
   */
  private Future<KafkaProducerRecord<String, byte[]>> placed(
      String node, String traceUid, byte[] value) {
    return producer
        .partitionsFor(topic)
        .map(
            partitions ->
                KafkaProducerRecord.create(
                    topic, traceUid, value, null, ControlPartitions.of(node, partitions.size())));
  }

  /**
   * Closes within {@link #CLOSE_TIMEOUT}, failing the records Kafka did not take by then (their
   * operations are handed over again by the replica acting next, as after a crash). Not through the
   * Vert.x producer's close: that waits for every record in flight without a bound, on the
   * producer's one worker, after a send that may wait there up to a minute ({@code max.block.ms})
   * for the metadata of a topic whose broker is away. Kafka's own close, called beside it, releases
   * such a send.
   */
  public Future<Void> close() {
    return vertx.executeBlocking(
        () -> {
          producer.unwrap().close(CLOSE_TIMEOUT);
          return null;
        },
        false);
  }
}
