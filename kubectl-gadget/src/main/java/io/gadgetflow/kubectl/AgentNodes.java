package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.kafka.ContractRecords;
import io.gadgetflow.kafka.ContractRecords.Read;
import io.gadgetflow.kafka.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Which nodes run a GadgetFlow node agent, as well as one can tell while agents register nowhere.
 * In this order, the first that names any node wins:
 *
 * <ol>
 *   <li>the node the user named;
 *   <li>the cluster's Node objects: in a real cluster the agent's DaemonSet runs on them;
 *   <li>the nodes whose agent wrote to the status topic recently: a cluster without kubelets, such
 *       as the local control plane of {@code gadgetflow up}, has no Node objects.
 * </ol>
 *
 * A node found here may still run no agent (the DaemonSet skips it, or its agent has stopped since
 * it last reported); the controller then reports that the node did not answer.
 */
public final class AgentNodes {
  /** How far back the status topic is read: its retention, so any agent that ever answered. */
  public static final Duration STATUS_WINDOW = Duration.ofHours(24);

  /** Per partition, at most this many of the newest reports are read, to keep start-up fast. */
  static final int MAX_REPORTS_PER_PARTITION = 2_000;

  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);

  /**
   * @param names the nodes, sorted
   * @param source how they were found, for messages
   */
  public record Found(List<String> names, String source) {
    public Found {
      names = List.copyOf(names);
    }
  }

  private AgentNodes() {}

  /**
   * @param requested the node the user named, or null
   * @return the nodes, with no names when nothing names any
   * @throws CommandFailure when Kafka does not answer while it is needed
   */
  public static Found discover(
      String requested,
      KubernetesClient client,
      KafkaClients kafka,
      String statusTopic,
      Instant now) {
    if (requested != null) {
      return new Found(List.of(requested), "--node");
    }
    List<String> nodeObjects = fromNodeObjects(client);
    if (!nodeObjects.isEmpty()) {
      return new Found(nodeObjects, "the cluster's Node objects");
    }
    return new Found(
        fromStatusTopic(kafka, statusTopic, now.minus(STATUS_WINDOW)),
        "reports on " + statusTopic + " since " + now.minus(STATUS_WINDOW));
  }

  /**
   * The nodes to run on, as {@link #discover} finds them, said on {@code progress}.
   *
   * @throws CommandFailure when no node is found
   */
  static List<String> require(
      String requested,
      KubernetesClient client,
      KafkaClients kafka,
      String statusTopic,
      Consumer<String> progress) {
    Found nodes = discover(requested, client, kafka, statusTopic, Instant.now());
    if (nodes.names().isEmpty()) {
      throw new CommandFailure(
          "no node is known to run a GadgetFlow node agent: the cluster has no Node objects and no agent reported on %s in the last %dh; name one with --node"
              .formatted(statusTopic, STATUS_WINDOW.toHours()));
    }
    progress.accept("nodes from " + nodes.source() + ": " + String.join(", ", nodes.names()));
    return nodes.names();
  }

  static List<String> fromNodeObjects(KubernetesClient client) {
    List<String> names = new ArrayList<>();
    for (Node node : client.nodes().list().getItems()) {
      names.add(node.getMetadata().getName());
    }
    names.sort(null);
    return names;
  }

  /** The nodes named by reports written to {@code topic} since {@code since}. */
  static List<String> fromStatusTopic(KafkaClients kafka, String topic, Instant since) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            kafka.groupFreeConsumer("kubectl-gadget-nodes"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          KafkaTopicPartitions.of(consumer, kafka.bootstrapServers(), topic, KAFKA_TIMEOUT);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, KAFKA_TIMEOUT);
      Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, KAFKA_TIMEOUT);
      Map<TopicPartition, Long> sinceTimes = new HashMap<>();
      partitions.forEach(partition -> sinceTimes.put(partition, since.toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> firstRecent =
          consumer.offsetsForTimes(sinceTimes, KAFKA_TIMEOUT);
      consumer.assign(partitions);
      Map<TopicPartition, Long> remaining = new HashMap<>();
      for (TopicPartition partition : partitions) {
        long end = ends.get(partition);
        OffsetAndTimestamp recent = firstRecent.get(partition);
        long start =
            Math.max(
                Math.max(beginnings.get(partition), end - MAX_REPORTS_PER_PARTITION),
                recent == null ? end : recent.offset());
        consumer.seek(partition, start);
        if (start < end) {
          remaining.put(partition, end);
        }
      }
      SortedSet<String> names = new TreeSet<>();
      Instant deadline = Instant.now().plus(KAFKA_TIMEOUT);
      while (!remaining.isEmpty() && Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          // Producers may set older timestamps than their records' neighbours have.
          if (record.timestamp() >= since.toEpochMilli()) {
            nodeOf(record).ifPresent(names::add);
          }
        }
        remaining.entrySet().removeIf(end -> consumer.position(end.getKey()) >= end.getValue());
      }
      return List.copyOf(names);
    }
  }

  /**
   * The node that wrote a report; any other record of the topic names none and is passed over
   * without a word: the look-up needs only the good reports, and the user is told about bad records
   * among the events of their run (see {@link EventTopic}).
   */
  private static Optional<String> nodeOf(ConsumerRecord<String, byte[]> record) {
    return ContractRecords.nodeReport(record.key(), record.value())
            instanceof Read.Valid<NodeReport>(NodeReport report)
        ? Optional.of(report.node())
        : Optional.empty();
  }
}
