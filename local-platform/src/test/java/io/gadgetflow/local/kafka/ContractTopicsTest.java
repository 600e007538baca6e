package io.gadgetflow.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.groups.Tuple.tuple;

import io.gadgetflow.api.kafka.TopicNames;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class ContractTopicsTest {

  @Test
  void controlTopicIsCompactedSoItKeepsEachTracesLatestStateInPartitionsByNode() {
    NewTopic control = byName(ContractTopics.DEFAULTS.newTopics()).get("gadget.control");

    assertThat(control.configs()).containsEntry("cleanup.policy", "compact");
    assertThat(control.numPartitions()).isEqualTo(32);
  }

  @Test
  void registrationTopicIsCompactedSoItKeepsEachNodesLatestKey() {
    NewTopic nodes = byName(ContractTopics.DEFAULTS.newTopics()).get("gadget.nodes");

    assertThat(nodes.configs()).containsEntry("cleanup.policy", "compact");
    assertThat(nodes.numPartitions()).isEqualTo(1);
  }

  @Test
  void statusAndEventsExpireByTimeAndEventsAlsoBySize() {
    Map<String, NewTopic> topics = byName(ContractTopics.DEFAULTS.newTopics());

    assertThat(topics.get("gadget.status").configs())
        .containsEntry("cleanup.policy", "delete")
        .containsEntry("retention.ms", "86400000");
    assertThat(topics.get("gadget.events").configs())
        .containsEntry("cleanup.policy", "delete")
        .containsEntry("retention.ms", "86400000")
        .containsEntry("retention.bytes", Long.toString(256L * 1024 * 1024));
    assertThat(topics.get("gadget.status").numPartitions()).isEqualTo(3);
    assertThat(topics.get("gadget.events").numPartitions()).isEqualTo(6);
  }

  @Test
  void namesAndPartitionsAreConfigurable() {
    ContractTopics topics =
        new ContractTopics(TopicNames.DEFAULTS, 2, 4, 8)
            .withNames(new TopicNames("a.control", "a.status", "a.events", "a.nodes"));

    assertThat(topics.newTopics())
        .extracting(NewTopic::name, NewTopic::numPartitions)
        .containsExactly(
            tuple("a.control", 2), tuple("a.status", 4), tuple("a.events", 8), tuple("a.nodes", 1));
  }

  @Test
  void everyTopicNeedsAPartition() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ContractTopics(TopicNames.DEFAULTS, 1, 0, 6))
        .withMessageContaining("statusPartitions");
  }

  private static Map<String, NewTopic> byName(List<NewTopic> topics) {
    return topics.stream().collect(Collectors.toMap(NewTopic::name, Function.identity()));
  }
}
