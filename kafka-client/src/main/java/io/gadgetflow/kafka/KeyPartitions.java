package io.gadgetflow.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/** Where Kafka's default partitioner puts a record's key, for readers of one key's records. */
public final class KeyPartitions {
  private KeyPartitions() {}

  /** The partition of {@code key} (a string key, UTF-8) in a topic of {@code partitions}. */
  public static int of(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
