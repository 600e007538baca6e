package io.gadgetflow.bench.fleet;

import io.gadgetflow.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A downstream consumer of every node's events, the way a user's pipeline would read them: a
 * consumer group of a few members sharing the events topic's partitions. For each trace it keeps
 * how many events arrived and the highest CloudEvents sequence number (the id after the trace uid),
 * so a gap (a lost event) or a repeat shows.
 */
final class Downstream implements AutoCloseable {
  static final class PerTrace {
    final AtomicLong received = new AtomicLong();
    final AtomicLong highestSequence = new AtomicLong(-1);
  }

  private final List<KafkaConsumer<String, byte[]>> members = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Map<String, PerTrace> byTrace = new ConcurrentHashMap<>();
  private final CountDownLatch assigned;
  private final String group;
  private final String topic;
  private volatile boolean closing;

  Downstream(KafkaClients kafka, String topic, String group, int size) {
    this.group = group;
    this.topic = topic;
    assigned = new CountDownLatch(size);
    for (int i = 0; i < size; i++) {
      Properties properties = kafka.groupConsumer(group, group + "-" + i);
      properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
      KafkaConsumer<String, byte[]> member =
          new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
      members.add(member);
      threads.add(Thread.ofPlatform().name(group + "-" + i).start(() -> consume(member, topic)));
    }
  }

  /** Waits until every member has its partitions, so that no event written later is missed. */
  boolean awaitAssigned(Duration timeout) throws InterruptedException {
    return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  PerTrace trace(String uid) {
    return byTrace.get(uid);
  }

  Collection<String> traces() {
    return byTrace.keySet();
  }

  /** What the group's members read of the events topic, records with their headers. */
  double bytes() {
    return ConsumerBytes.byTopic(group + "-*").getOrDefault(topic, 0.0);
  }

  private void consume(KafkaConsumer<String, byte[]> member, String topic) {
    member.subscribe(
        List.of(topic),
        new ConsumerRebalanceListener() {
          private boolean counted;

          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!counted) {
              counted = true;
              // Positions fixed now: what is written afterwards is read.
              partitions.forEach(member::position);
              assigned.countDown();
            }
          }
        });
    try {
      while (!closing) {
        for (ConsumerRecord<String, byte[]> record : member.poll(Duration.ofMillis(500))) {
          PerTrace trace = byTrace.computeIfAbsent(record.key(), k -> new PerTrace());
          trace.received.incrementAndGet();
          Header id = record.headers().lastHeader("ce_id");
          if (id != null) {
            String value = new String(id.value(), StandardCharsets.UTF_8);
            long sequence = Long.parseLong(value.substring(value.lastIndexOf(':') + 1));
            trace.highestSequence.accumulateAndGet(sequence, Math::max);
          }
        }
      }
    } catch (WakeupException e) {
      // Closing.
    } finally {
      member.close();
    }
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    members.forEach(KafkaConsumer::wakeup);
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
