package io.gadgetflow.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows topics on a platform thread of its own, with a consumer outside any consumer group: it
 * assigns the partitions it reads of each topic (every one, or one: {@link TopicStart}), positions
 * each topic where its reading starts, then polls until closed and hands each poll's records to a
 * listener, on this thread. When Kafka fails (unreachable, a topic missing or not created yet) it
 * says so in the log and positions everything again after a pause, so a follower outlives a broker
 * restart and waits for a topic created after it started. Anything else ends the thread: {@link
 * #failure()} then says why, and the listener is told. So does a refusal by the broker's ACLs
 * ({@link AuthorizationException}), which no retry undoes: a follower that warned every few seconds
 * and read nothing left its role saying UP while it did no work; ended, it makes the role exit 70,
 * and the pod's restarts show the refusal.
 *
 * <p>Besides its topics, a follower can follow single partitions of another topic for as long as
 * they are asked for ({@link #followKey}): a reader that needs one key's records pays for that
 * key's partition only, not the topic's.
 */
public final class TopicFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** How long a follower waits before it tries again after Kafka failed. */
  public static final Duration RETRY_DELAY = Duration.ofSeconds(2);

  /** Called on the follower's thread, one call at a time. */
  public interface Listener {
    /** The topics are positioned: every record written from now on will be delivered. */
    default void onPositioned() {}

    /**
     * Every partition was read up to where it ended when it was positioned: the records that were
     * there at the start have all been delivered. Once per positioning.
     */
    default void onCaughtUp() {}

    /** The records of one poll, in each partition's order; never empty. */
    void onRecords(ConsumerRecords<String, byte[]> records);

    /**
     * The follower stopped on its own, for {@code cause} ({@link #failure()}): nothing more will be
     * delivered. Once, as the follower's thread ends.
     */
    default void onStopped(Throwable cause) {}
  }

  private final String name;
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<TopicStart> starts;
  private final Listener listener;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Thread thread;
  private volatile Throwable failure;

  /** Changes to the followed partitions, applied by the follower's thread before its next poll. */
  private final Queue<Runnable> changes = new ConcurrentLinkedQueue<>();

  /** Follower thread only: each partition followed for keys, with how many ask for it. */
  private final Map<TopicPartition, Integer> keyPartitions = new HashMap<>();

  /** Follower thread only: the fixed topics' partitions, assigned when positioned. */
  private List<TopicPartition> topicPartitions = List.of();

  private TopicFollower(
      String name, Properties consumerProperties, List<TopicStart> starts, Listener listener) {
    this.name = name;
    this.consumer =
        new KafkaConsumer<>(
            consumerProperties, new StringDeserializer(), new ByteArrayDeserializer());
    this.starts = List.copyOf(starts);
    this.listener = listener;
    this.thread = Thread.ofPlatform().name(name).unstarted(this::run);
  }

  /**
   * @param name the thread's name, also used in log lines
   * @param consumerProperties a group-free consumer's, see {@link KafkaClients#groupFreeConsumer}
   */
  public static TopicFollower start(
      String name, Properties consumerProperties, List<TopicStart> starts, Listener listener) {
    TopicFollower follower = new TopicFollower(name, consumerProperties, starts, listener);
    follower.thread.start();
    return follower;
  }

  /** Why the follower stopped on its own (a fault of its listener or of the client), if it did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  private void run() {
    try (consumer) {
      while (closing.getCount() > 0) {
        try {
          follow();
        } catch (WakeupException e) {
          return;
        } catch (KafkaException e) {
          if (e instanceof AuthorizationException) {
            throw e;
          }
          LOG.warn(
              "{}: reading Kafka failed, trying again in {}: {}", name, RETRY_DELAY, e.toString());
          if (closing.await(RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      failure = e;
      LOG.error("{} stopped: {}", name, e.toString(), e);
      listener.onStopped(e);
    }
  }

  /**
   * Follows the partition that Kafka's default partitioner gives {@code key} in {@code topic}, from
   * its end, until as many {@link #unfollowKey} calls as this one were made for it. Completes (on
   * the follower's thread) with the partition once it is followed: every record written to it from
   * then on is delivered. When Kafka fails meanwhile, it completes once the follower positioned
   * itself again.
   */
  public CompletableFuture<Integer> followKey(String topic, String key) {
    CompletableFuture<Integer> followed = new CompletableFuture<>();
    change(
        () -> {
          int partitions = TopicPartitions.of(consumer, topic, REQUEST_TIMEOUT).size();
          TopicPartition partition = new TopicPartition(topic, KeyPartitions.of(key, partitions));
          if (!keyPartitions.containsKey(partition)) {
            List<TopicPartition> all = new ArrayList<>(consumer.assignment());
            all.add(partition);
            consumer.assign(all);
            fromEnd(List.of(partition));
          }
          // Counted once followed, so that a change cut short and run again counts once.
          keyPartitions.merge(partition, 1, Integer::sum);
          followed.complete(partition.partition());
        });
    return followed;
  }

  /**
   * Withdraws one {@link #followKey} of the same topic and key; completes (on the follower's
   * thread) once done: records written to a partition no longer followed from then on are not
   * delivered.
   */
  public CompletableFuture<Void> unfollowKey(String topic, String key) {
    CompletableFuture<Void> unfollowed = new CompletableFuture<>();
    change(
        () -> {
          int partitions = TopicPartitions.of(consumer, topic, REQUEST_TIMEOUT).size();
          TopicPartition partition = new TopicPartition(topic, KeyPartitions.of(key, partitions));
          Integer left = keyPartitions.computeIfPresent(partition, (p, count) -> count - 1);
          if (left != null && left == 0) {
            keyPartitions.remove(partition);
            assignAll();
          }
          unfollowed.complete(null);
        });
    return unfollowed;
  }

  /** Queues a change and wakes the follower's thread, in a poll or waiting, to apply it. */
  private void change(Runnable change) {
    changes.add(change);
    consumer.wakeup();
    LockSupport.unpark(thread);
  }

  private void follow() {
    Assignment assignment = Assignment.position(consumer, starts, REQUEST_TIMEOUT);
    topicPartitions = List.copyOf(consumer.assignment());
    if (!keyPartitions.isEmpty()) {
      // Positioned again after Kafka failed: what was followed is followed from now on.
      assignAll();
      fromEnd(keyPartitions.keySet());
    }
    listener.onPositioned();
    boolean caughtUp = false;
    while (closing.getCount() > 0) {
      try {
        applyChanges();
        if (!caughtUp && assignment.caughtUp(consumer)) {
          caughtUp = true;
          listener.onCaughtUp();
        }
        if (consumer.assignment().isEmpty()) {
          // Polling nothing throws: wait for a change (followKey unparks) or the close.
          LockSupport.parkNanos(this, POLL_TIMEOUT.toNanos());
          continue;
        }
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
        if (!records.isEmpty()) {
          listener.onRecords(records);
        }
      } catch (WakeupException e) {
        if (closing.getCount() == 0) {
          throw e;
        }
        // A change to the followed partitions woke the consumer: it is applied next.
      }
    }
  }

  /** Positions {@code partitions}, assigned, at their end now (seeking to it is lazy). */
  private void fromEnd(Collection<TopicPartition> partitions) {
    consumer.seekToEnd(partitions);
    partitions.forEach(partition -> consumer.position(partition, REQUEST_TIMEOUT));
  }

  /**
   * Runs the queued changes. One that Kafka fails, or a wake-up cuts short, is queued again: to run
   * once the follower has positioned itself again, or next.
   */
  private void applyChanges() {
    List<Runnable> failed = new ArrayList<>();
    Runnable change;
    try {
      while ((change = changes.poll()) != null) {
        Runnable running = change;
        failed.add(running);
        running.run();
        failed.remove(running);
      }
    } finally {
      changes.addAll(failed);
    }
  }

  private void assignAll() {
    List<TopicPartition> all = new ArrayList<>(topicPartitions);
    all.addAll(keyPartitions.keySet());
    consumer.assign(all);
  }

  /** Stops following and waits for the thread to end. */
  @Override
  public void close() {
    closing.countDown();
    consumer.wakeup();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
