package io.gadgetflow.node.control;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.json.MalformedRecordException;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.node.NodeConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole compacted control topic from its beginning, then follows it, on a thread of its
 * own. Each node reads every record (no consumer group): the topic is the desired state of all
 * traces, and a restarted agent rebuilds its own from it. Records arrive on the agent's context in
 * topic order; {@link Listener#onCaughtUp()} says when the records that existed at start have all
 * been delivered. A trace's records may be delivered again after Kafka was unreachable.
 */
public final class ControlReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlReader.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final Duration RETRY_DELAY = Duration.ofSeconds(2);

  /** Called on the agent's context. */
  public interface Listener {
    /**
     * @param record the trace's desired state, or null when the trace was deleted
     */
    void onRecord(String traceUid, ControlRecord record);

    void onCaughtUp();
  }

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final Context context;
  private final Listener listener;
  private final AtomicLong malformedRecords = new AtomicLong();
  private final Thread thread;
  private final Promise<Void> positioned;
  private volatile boolean closed;

  private ControlReader(NodeConfig config, Context context, Listener listener) {
    this.consumer =
        new KafkaConsumer<>(
            config
                .kafkaSecurity()
                .groupFreeConsumerProperties(
                    config.kafkaBootstrapServers(), "gadgetflow-node-control-" + config.nodeName()),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.topic = config.topics().control();
    this.context = context;
    this.listener = listener;
    this.positioned = Promise.promise();
    this.thread = Thread.ofPlatform().name("gadgetflow-control-reader").unstarted(this::run);
  }

  public static ControlReader start(NodeConfig config, Context context, Listener listener) {
    ControlReader reader = new ControlReader(config, context, listener);
    reader.thread.start();
    return reader;
  }

  /**
   * Completes once the reader knows where the topic ended when it started: records written after
   * that are operations to run, records before it the state to resume.
   */
  public Future<Void> positioned() {
    return positioned.future();
  }

  /** Records that could not be decoded and were skipped. */
  public long malformedRecords() {
    return malformedRecords.get();
  }

  private void run() {
    try (consumer) {
      while (!closed) {
        try {
          follow();
        } catch (WakeupException e) {
          return;
        } catch (KafkaException e) {
          // Kafka unreachable or the topic missing: read it all again once it is back.
          LOG.warn("Reading the control topic failed, retrying: {}", e.toString());
          Thread.sleep(RETRY_DELAY);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void follow() {
    List<TopicPartition> partitions = assignAll();
    Map<TopicPartition, Long> endAtStart = consumer.endOffsets(partitions);
    context.runOnContext(v -> positioned.tryComplete());
    boolean caughtUp = false;
    while (!closed) {
      if (!caughtUp && reached(endAtStart)) {
        caughtUp = true;
        context.runOnContext(v -> listener.onCaughtUp());
      }
      for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL_TIMEOUT)) {
        deliver(record);
      }
    }
  }

  private List<TopicPartition> assignAll() {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }

  private boolean reached(Map<TopicPartition, Long> endOffsets) {
    return endOffsets.entrySet().stream()
        .allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
  }

  private void deliver(ConsumerRecord<String, byte[]> record) {
    String traceUid = record.key();
    if (traceUid == null) {
      malformedRecords.incrementAndGet();
      return;
    }
    ControlRecord value;
    try {
      value = record.value() == null ? null : Json.decode(record.value(), ControlRecord.class);
    } catch (MalformedRecordException e) {
      malformedRecords.incrementAndGet();
      LOG.warn(
          "Skipping malformed control record at offset {}: {}", record.offset(), e.getMessage());
      return;
    }
    context.runOnContext(v -> listener.onRecord(traceUid, value));
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
