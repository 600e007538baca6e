package io.gadgetflow.local.kafka;

import io.gadgetflow.api.kafka.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The Kafka contract's topics (DESIGN.md section 3) as a broker should hold them. The choices of
 * partitions, retention and compaction are explained in docs/kafka.md.
 *
 * @param names topic names
 * @param controlPartitions partitions of the compacted control topic
 * @param statusPartitions partitions of the node report topic
 * @param eventsPartitions partitions of the raw event topic, the one with volume
 */
public record ContractTopics(
    TopicNames names, int controlPartitions, int statusPartitions, int eventsPartitions) {

  /**
   * The control topic's records go to their node's partition and each agent reads its own
   * (docs/kafka.md): with 32, an agent fetches the records of about 1/32 of the nodes.
   */
  static final int DEFAULT_CONTROL_PARTITIONS = 32;

  public static final ContractTopics DEFAULTS =
      new ContractTopics(TopicNames.DEFAULTS, DEFAULT_CONTROL_PARTITIONS, 3, 6);

  static final Duration STATUS_RETENTION = Duration.ofDays(1);
  static final Duration EVENTS_RETENTION = Duration.ofDays(1);
  static final long EVENTS_RETENTION_BYTES_PER_PARTITION = 256L * 1024 * 1024;

  /**
   * The log cleaner never compacts the active segment, so with Kafka's default of a week a small
   * control topic would keep every superseded record for days.
   */
  static final Duration CONTROL_SEGMENT_ROLL = Duration.ofHours(1);

  /**
   * Retention by size deletes whole closed segments only, so segments must be well below the size
   * bound or a partition grows to Kafka's default segment size (1 GiB) before anything goes.
   */
  static final int EVENTS_SEGMENT_BYTES = 64 * 1024 * 1024;

  /** A single broker holds one copy of everything. */
  private static final short SINGLE_BROKER_REPLICAS = 1;

  public ContractTopics {
    Objects.requireNonNull(names, "names");
    requirePositive(controlPartitions, "controlPartitions");
    requirePositive(statusPartitions, "statusPartitions");
    requirePositive(eventsPartitions, "eventsPartitions");
  }

  public ContractTopics withNames(TopicNames names) {
    return new ContractTopics(names, controlPartitions, statusPartitions, eventsPartitions);
  }

  public ContractTopics withEventsPartitions(int partitions) {
    return new ContractTopics(names, controlPartitions, statusPartitions, partitions);
  }

  /** The topics for a single broker: one replica each. */
  public List<NewTopic> newTopics() {
    return newTopics(SINGLE_BROKER_REPLICAS);
  }

  /**
   * The topics with {@code replicas} copies of each partition; with more than one, a write is
   * acknowledged once all but one of them have it ({@code min.insync.replicas}), so one broker may
   * fail without stopping producers, which ask for acknowledgements from all in-sync replicas.
   */
  public List<NewTopic> newTopics(int replicas) {
    String minInSync = Integer.toString(Math.max(1, replicas - 1));
    short replicationFactor = (short) replicas;
    return List.of(
        new NewTopic(names.control(), controlPartitions, replicationFactor)
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.SEGMENT_MS_CONFIG,
                    millis(CONTROL_SEGMENT_ROLL),
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                    minInSync)),
        new NewTopic(names.status(), statusPartitions, replicationFactor)
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG,
                    millis(STATUS_RETENTION),
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                    minInSync)),
        new NewTopic(names.events(), eventsPartitions, replicationFactor)
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG,
                    millis(EVENTS_RETENTION),
                    TopicConfig.RETENTION_BYTES_CONFIG,
                    Long.toString(EVENTS_RETENTION_BYTES_PER_PARTITION),
                    TopicConfig.SEGMENT_BYTES_CONFIG,
                    Integer.toString(EVENTS_SEGMENT_BYTES),
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                    minInSync)),
        // The last registration of each node is all the controller needs.
        new NewTopic(names.nodes(), 1, replicationFactor)
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.SEGMENT_MS_CONFIG,
                    millis(CONTROL_SEGMENT_ROLL),
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                    minInSync)));
  }

  private static String millis(Duration duration) {
    return Long.toString(duration.toMillis());
  }

  private static void requirePositive(int partitions, String name) {
    if (partitions < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + partitions);
    }
  }
}
