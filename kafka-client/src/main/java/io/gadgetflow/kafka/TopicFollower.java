package io.gadgetflow.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows topics on a platform thread of its own, with a consumer outside any consumer group: it
 * assigns every partition, positions each topic where its reading starts, then polls until closed
 * and hands each poll's records to a listener, on this thread. When Kafka fails (unreachable, a
 * topic missing or not created yet) it says so in the log and positions everything again after a
 * pause, so a follower outlives a broker restart and waits for a topic created after it started.
 * Anything else ends the thread: {@link #failure()} then says why.
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
  }

  private final String name;
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<TopicStart> starts;
  private final Listener listener;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Thread thread;
  private volatile Throwable failure;

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
    }
  }

  private void follow() {
    Assignment assignment = Assignment.position(consumer, starts, REQUEST_TIMEOUT);
    listener.onPositioned();
    boolean caughtUp = false;
    while (closing.getCount() > 0) {
      if (!caughtUp && assignment.caughtUp(consumer)) {
        caughtUp = true;
        listener.onCaughtUp();
      }
      ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
      if (!records.isEmpty()) {
        listener.onRecords(records);
      }
    }
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
