package io.gadgetflow.local.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates topics that do not exist yet and waits until clients can use them. */
public final class KafkaTopics {
  /**
   * Pause between metadata checks: a new topic reaches the broker's metadata cache a few
   * milliseconds after the controller acknowledged it.
   */
  private static final Duration METADATA_RECHECK_PAUSE = Duration.ofMillis(20);

  private final Admin admin;

  public KafkaTopics(Admin admin) {
    this.admin = admin;
  }

  /**
   * Creates each topic unless it exists (an existing topic keeps its partitions and configs), then
   * waits until every partition of every topic has a leader.
   *
   * @throws KafkaException when a topic cannot be created or has no leader within {@code timeout}
   */
  public void ensure(Collection<NewTopic> topics, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      createMissing(topics, deadline);
      awaitLeaders(topics.stream().map(NewTopic::name).toList(), deadline, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("Interrupted while creating topics", e);
    }
  }

  private void createMissing(Collection<NewTopic> topics, long deadline)
      throws InterruptedException {
    for (Map.Entry<String, KafkaFuture<Void>> creation :
        admin.createTopics(topics).values().entrySet()) {
      try {
        creation.getValue().get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new KafkaException("Could not create topic " + creation.getKey(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new KafkaException("Creating topic " + creation.getKey() + " timed out", e);
      }
    }
  }

  private void awaitLeaders(List<String> names, long deadline, Duration timeout)
      throws InterruptedException {
    while (!allPartitionsLed(names, deadline)) {
      if (remainingNanos(deadline) <= 0) {
        throw new KafkaException("Topics " + names + " had no partition leaders within " + timeout);
      }
      Thread.sleep(METADATA_RECHECK_PAUSE);
    }
  }

  private boolean allPartitionsLed(List<String> names, long deadline) throws InterruptedException {
    try {
      Map<String, TopicDescription> descriptions =
          admin
              .describeTopics(names)
              .allTopicNames()
              .get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
      return descriptions.values().stream()
          .flatMap(description -> description.partitions().stream())
          .allMatch(partition -> partition.leader() != null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw new KafkaException("Could not describe topics " + names, e.getCause());
    } catch (TimeoutException e) {
      return false;
    }
  }

  private static long remainingNanos(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }
}
