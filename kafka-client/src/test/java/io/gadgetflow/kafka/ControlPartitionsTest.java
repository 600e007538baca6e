package io.gadgetflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Writers and agents place a control record by its node, as Kafka would place the node's name. */
class ControlPartitionsTest {
  private static final String TOPIC = "gadget.control";

  @Test
  void aNodesRecordsGoWhereKafkasPartitionerPutsTheNodesName() {
    for (String node : List.of("node-1", "node-2", "worker-17.example.org", "ünïcode")) {
      for (int partitions : new int[] {1, 7, 32}) {
        assertThat(ControlPartitions.of(node, partitions))
            .as("%s among %d", node, partitions)
            .isEqualTo(
                BuiltInPartitioner.partitionForKey(
                    node.getBytes(StandardCharsets.UTF_8), partitions));
      }
    }
  }

  @Test
  void nodesSpreadOverThePartitions() {
    long used =
        IntStream.range(0, 500).map(i -> ControlPartitions.of("node-" + i, 32)).distinct().count();
    assertThat(used).isEqualTo(32);
  }

  @Test
  void aRecordNamingNoNodeGoesWhereAnEmptyNameDoes() {
    assertThat(ControlPartitions.of(null, 32)).isEqualTo(ControlPartitions.of("", 32));
  }

  @Test
  void anAgentReadsOnlyItsNodesPartition() {
    List<TopicPartition> all =
        IntStream.range(0, 32).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();

    assertThat(ControlPartitions.nodeReading(TOPIC, "node-9").partitionsRead(all))
        .containsExactly(new TopicPartition(TOPIC, ControlPartitions.of("node-9", 32)));
    assertThat(TopicStart.beginning(TOPIC).partitionsRead(all)).isEqualTo(all);
  }
}
