package io.gadgetflow.bench.nodepath;

import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.bench.shared.Directories;
import io.gadgetflow.local.kafka.EmbeddedKafka;
import io.gadgetflow.local.kafka.EmbeddedKafkaConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The broker side of the node-path benchmark, in a JVM of its own so that the agent's CPU and
 * memory can be measured apart: GadgetFlow's embedded KRaft broker with the contract's topics, its
 * data in a new temporary directory that is deleted when it stops.
 *
 * <p>Prints {@code bootstrap=<host:port>} once ready, then answers each {@code offsets} line on
 * stdin with {@code offsets=<n> bytes=<m>}: the sum of the end offsets of the events topic's
 * partitions, that is every record the broker appended to it, and the size of its logs. Stops at
 * the end of stdin, so it never outlives the benchmark.
 */
public final class Broker {
  public static void main(String[] args) throws Exception {
    Path dataDir = Files.createTempDirectory("gadgetflow-nodepath-kafka-");
    EmbeddedKafka kafka;
    try {
      kafka =
          EmbeddedKafka.start(
              EmbeddedKafkaConfig.defaults()
                  .withDataDir(dataDir)
                  .withPort(0)
                  .withoutAuthentication());
    } catch (RuntimeException e) {
      Directories.deleteRecursively(dataDir);
      throw e;
    }
    // However the JVM ends, even by a signal: the data of a run is about a gigabyte.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(kafka, dataDir)));
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      System.out.println("bootstrap=" + kafka.bootstrapServers());
      BufferedReader commands = new BufferedReader(new InputStreamReader(System.in));
      for (String line = commands.readLine(); line != null; line = commands.readLine()) {
        if (line.equals("offsets")) {
          String topic = TopicNames.DEFAULTS.events();
          System.out.println(
              "offsets=" + endOffsetSum(admin, topic) + " bytes=" + logBytes(admin, topic));
        }
      }
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
    // Kafka's threads would keep the JVM alive; exiting runs the hook.
    System.exit(0);
  }

  private static void stop(EmbeddedKafka kafka, Path dataDir) {
    try {
      kafka.close();
    } finally {
      try {
        Directories.deleteRecursively(dataDir);
      } catch (IOException e) {
        System.err.println("could not delete " + dataDir + ": " + e);
      }
    }
  }

  private static long endOffsetSum(Admin admin, String topic) throws Exception {
    int partitions =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    Map<TopicPartition, OffsetSpec> latest =
        Stream.iterate(0, p -> p + 1)
            .limit(partitions)
            .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get().values().stream()
        .mapToLong(info -> info.offset())
        .sum();
  }

  /** What the topic's logs take on disk: its records as Kafka stores them, batched, compressed. */
  private static long logBytes(Admin admin, String topic) throws Exception {
    List<Integer> brokers =
        admin.describeCluster().nodes().get().stream().map(node -> node.id()).toList();
    return admin.describeLogDirs(brokers).allDescriptions().get().values().stream()
        .flatMap(dirs -> dirs.values().stream())
        .flatMap(dir -> dir.replicaInfos().entrySet().stream())
        .filter(replica -> replica.getKey().topic().equals(topic))
        .mapToLong(replica -> replica.getValue().size())
        .sum();
  }
}
