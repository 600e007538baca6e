package io.gadgetflow.kafka;

import org.apache.kafka.clients.producer.Producer;

/**
 * Where a Trace's records go in {@code gadget.control}: the partition of its node, chosen
 * explicitly, while the key stays the trace uid (compaction keeps one record per Trace). A node
 * agent then reads its node's partition only, the records of the few nodes that share it, not every
 * node's (docs/scale.md, "5,000 nodes"). Every writer of control records, and every agent, places
 * them by this rule alone.
 */
public final class ControlPartitions {
  private ControlPartitions() {}

  /**
   * The partition of {@code node}'s records in a control topic of {@code partitions}. A record
   * naming no node is no agent's; it goes where an empty name does, so that its tombstone follows.
   */
  public static int of(String node, int partitions) {
    return KeyPartitions.of(node == null ? "" : node, partitions);
  }

  /**
   * The partition of {@code node}'s records in {@code topic}, by the producer's metadata of the
   * topic (which it fetches first, within its {@code max.block.ms}).
   */
  public static int of(Producer<?, ?> producer, String topic, String node) {
    return of(node, producer.partitionsFor(topic).size());
  }

  /** What {@code node}'s agent reads: its node's partition, from the beginning. */
  public static TopicStart nodeReading(String topic, String node) {
    return TopicStart.beginningOfOnePartition(topic, partitions -> of(node, partitions));
  }
}
