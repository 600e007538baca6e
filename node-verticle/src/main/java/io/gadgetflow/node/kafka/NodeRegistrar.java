package io.gadgetflow.node.kafka;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.NodeRegistration;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.identity.NodeKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the controller to trust this agent's status key: writes the key with the agent's projected
 * service account token to the registration topic, once at start and then every {@link #INTERVAL}
 * with the token the kubelet last wrote. A controller that starts, or takes over, reviews the last
 * registration of each node, so the token in it must still be valid: kubelet renews a token when
 * 80% of its life is over, and the shortest life it may be given is 10 minutes, which leaves 2
 * minutes; registering every minute keeps the last one reviewable.
 */
public final class NodeRegistrar {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistrar.class);

  public static final Duration INTERVAL = Duration.ofMinutes(1);

  private final Vertx vertx;
  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final NodeKey key;
  private final Path tokenFile;
  private final Clock clock;
  private long timer = -1;

  private NodeRegistrar(
      Vertx vertx,
      KafkaProducer<String, byte[]> producer,
      String topic,
      NodeKey key,
      Path tokenFile,
      Clock clock) {
    this.vertx = vertx;
    this.producer = producer;
    this.topic = topic;
    this.key = key;
    this.tokenFile = tokenFile;
    this.clock = clock;
  }

  /** Registers {@code key} now and every {@link #INTERVAL}; completes with the first one sent. */
  public static Future<NodeRegistrar> start(
      Vertx vertx, KafkaClients kafka, String topic, NodeKey key, Path tokenFile, Clock clock) {
    Properties config = kafka.producer("gadgetflow-node-registration-" + key.node());
    config.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    NodeRegistrar registrar =
        new NodeRegistrar(
            vertx,
            KafkaProducer.create(vertx, config, new StringSerializer(), new ByteArraySerializer()),
            topic,
            key,
            tokenFile,
            clock);
    return registrar
        .register()
        .map(
            sent -> {
              registrar.timer =
                  vertx.setPeriodic(
                      INTERVAL.toMillis(),
                      id ->
                          registrar
                              .register()
                              .onFailure(
                                  e ->
                                      LOG.warn(
                                          "Node agent {} could not renew its registration, trying"
                                              + " again in {}: {}",
                                          key.node(),
                                          INTERVAL,
                                          e.toString())));
              return registrar;
            });
  }

  private Future<Void> register() {
    return vertx
        .executeBlocking(() -> Files.readString(tokenFile, StandardCharsets.UTF_8).strip())
        .compose(
            token ->
                producer.send(
                    KafkaProducerRecord.create(
                        topic,
                        key.node(),
                        Json.encode(
                            new NodeRegistration(
                                key.node(), key.encoded(), token, clock.instant())))))
        .<Void>mapEmpty()
        .onSuccess(sent -> LOG.debug("Node agent {} registered key {}", key.node(), key.id()));
  }

  /** Stops registering; a registration Kafka did not take is dropped, the next start sends one. */
  public Future<Void> close() {
    vertx.cancelTimer(timer);
    return ProducerClose.within(vertx, producer);
  }
}
