package io.gadgetflow.node.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Duration;

/**
 * Closes a Vert.x Kafka producer of the agent within a bound, also while Kafka is away. Not through
 * the Vert.x producer's own close: that runs on the producer's one worker after its sends, and a
 * send waits there up to a minute ({@code max.block.ms}) for the metadata of a topic whose broker
 * is away. Kafka's own close, called beside it, releases that send and fails what Kafka did not
 * take within the bound.
 */
final class ProducerClose {
  /**
   * The most a close waits for Kafka to take the records still in flight: a share of the agent's
   * stop, which must end within its pod's termination grace period also while Kafka is away.
   */
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private ProducerClose() {}

  static Future<Void> within(Vertx vertx, KafkaProducer<?, ?> producer) {
    return vertx.executeBlocking(
        () -> {
          producer.unwrap().close(TIMEOUT);
          return null;
        },
        false);
  }
}
