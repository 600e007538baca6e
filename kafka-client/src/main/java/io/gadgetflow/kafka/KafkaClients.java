package io.gadgetflow.kafka;

import java.util.Properties;

/**
 * Where a role's Kafka is and how its clients authenticate: the one place that turns both into
 * client properties. Each method returns a fresh, mutable set; a client adds its own tuning to it.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 */
public record KafkaClients(String bootstrapServers, KafkaSecurity security) {
  /** Where every role looks for Kafka unless told otherwise. */
  public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

  /**
   * A producer's properties: every write acknowledged by all in-sync replicas and idempotent, so a
   * retry never duplicates a record (Kafka's defaults since 3.0, said here so that no setting of a
   * client library or a broker weakens them unseen).
   */
  public Properties producer(String clientId) {
    Properties properties = common(clientId);
    properties.put("acks", "all");
    properties.put("enable.idempotence", "true");
    return properties;
  }

  /**
   * A consumer outside any consumer group, reading the partitions it is given from where it is told
   * and committing nothing: how GadgetFlow reads a whole topic, or a window of one.
   */
  public Properties groupFreeConsumer(String clientId) {
    Properties properties = common(clientId);
    properties.put("enable.auto.commit", "false");
    return properties;
  }

  /** A consumer of {@code groupId}, which shares the partitions with the group's other members. */
  public Properties groupConsumer(String groupId, String clientId) {
    Properties properties = common(clientId);
    properties.put("group.id", groupId);
    return properties;
  }

  /** An admin client's properties. */
  public Properties admin(String clientId) {
    return common(clientId);
  }

  private Properties common(String clientId) {
    Properties properties = new Properties();
    properties.putAll(security.clientProperties());
    properties.put("bootstrap.servers", bootstrapServers);
    properties.put("client.id", clientId);
    return properties;
  }
}
