package io.gadgetflow.web.live;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.json.MalformedRecordException;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.web.WebConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Kafka consumer of a web UI instance, however many browsers watch. It follows every
 * partition of the events topic from its end and publishes each event on the local event bus under
 * its trace's address, where only the sockets showing that trace listen; and it reads the status
 * topic from the node window's start to learn which nodes run an agent. It runs on a thread of its
 * own, without a consumer group (every instance needs every event), and hands each poll's records
 * to the web UI's context at once.
 */
public final class LiveFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final Duration RETRY_DELAY = Duration.ofSeconds(2);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private record NodeSighting(String node, Instant at) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final WebConfig config;
  private final Context context;
  private final EventBus bus;
  private final NodeDirectory nodes;
  private final Clock clock;
  private final Promise<Void> positioned = Promise.promise();
  private final AtomicLong malformedRecords = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;

  private LiveFeed(WebConfig config, Context context, NodeDirectory nodes, Clock clock) {
    this.consumer =
        new KafkaConsumer<>(
            config
                .kafkaSecurity()
                .groupFreeConsumerProperties(config.kafkaBootstrapServers(), "gadgetflow-web-live"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.config = config;
    this.context = context;
    this.bus = context.owner().eventBus();
    this.nodes = nodes;
    this.clock = clock;
    this.thread = Thread.ofPlatform().name("gadgetflow-web-live-feed").unstarted(this::run);
  }

  /**
   * @param context where events are published and {@code nodes} is updated: the web UI's
   */
  public static LiveFeed start(
      WebConfig config, Context context, NodeDirectory nodes, Clock clock) {
    LiveFeed feed = new LiveFeed(config, context, nodes, clock);
    feed.thread.start();
    return feed;
  }

  /**
   * Completes once the feed follows the end of the events topic: every event written afterwards
   * reaches the sockets watching its trace.
   */
  public Future<Void> positioned() {
    return positioned.future();
  }

  private void run() {
    try (consumer) {
      while (!closed) {
        try {
          follow();
        } catch (WakeupException e) {
          return;
        } catch (KafkaException e) {
          // Kafka unreachable or a topic missing: start again from the end once it is back.
          LOG.warn("Following the events and status topics failed, retrying: {}", e.toString());
          Thread.sleep(RETRY_DELAY);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void follow() {
    List<TopicPartition> events = partitionsOf(config.topics().events());
    List<TopicPartition> status = partitionsOf(config.topics().status());
    List<TopicPartition> all = new ArrayList<>(events);
    all.addAll(status);
    consumer.assign(all);
    consumer.seekToEnd(events);
    seekToWindowStart(status);
    // seekToEnd is lazy; asking for the position fixes it now, so that "positioned" is true.
    events.forEach(consumer::position);
    context.runOnContext(v -> positioned.tryComplete());
    String eventsTopic = config.topics().events();
    while (!closed) {
      List<LiveEvent> liveEvents = new ArrayList<>();
      List<NodeSighting> sightings = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL_TIMEOUT)) {
        if (record.topic().equals(eventsTopic)) {
          toLiveEvent(record, liveEvents);
        } else {
          toSighting(record, sightings);
        }
      }
      if (!liveEvents.isEmpty() || !sightings.isEmpty()) {
        context.runOnContext(v -> deliver(liveEvents, sightings));
      }
    }
  }

  private List<TopicPartition> partitionsOf(String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new KafkaException("topic " + topic + " does not exist");
    }
    return partitions;
  }

  private void seekToWindowStart(List<TopicPartition> partitions) {
    long windowStart = clock.millis() - config.nodeWindow().toMillis();
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(partition -> times.put(partition, windowStart));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
    for (TopicPartition partition : partitions) {
      OffsetAndTimestamp offset = offsets.get(partition);
      if (offset == null) {
        consumer.seekToEnd(List.of(partition));
      } else {
        consumer.seek(partition, offset.offset());
      }
    }
  }

  private void toLiveEvent(ConsumerRecord<String, byte[]> record, List<LiveEvent> out) {
    String json =
        record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
    if (record.key() == null || json == null || !EventJson.isObject(json)) {
      skip(record);
      return;
    }
    out.add(new LiveEvent(record.key(), record.partition(), record.offset(), json));
  }

  private void toSighting(ConsumerRecord<String, byte[]> record, List<NodeSighting> out) {
    if (record.value() == null) {
      return;
    }
    try {
      NodeReport report = Json.decode(record.value(), NodeReport.class);
      if (report.node() != null && !report.node().isBlank()) {
        out.add(new NodeSighting(report.node(), Instant.ofEpochMilli(record.timestamp())));
      }
    } catch (MalformedRecordException e) {
      skip(record);
    }
  }

  private void skip(ConsumerRecord<String, byte[]> record) {
    if (malformedRecords.getAndIncrement() == 0) {
      LOG.warn(
          "Skipping malformed record at {}-{}@{}; further ones are only counted",
          record.topic(),
          record.partition(),
          record.offset());
    }
  }

  private void deliver(List<LiveEvent> liveEvents, List<NodeSighting> sightings) {
    for (LiveEvent event : liveEvents) {
      bus.publish(LiveEvent.address(event.traceUid()), event, LOCAL);
    }
    for (NodeSighting sighting : sightings) {
      nodes.reported(sighting.node(), sighting.at());
    }
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
    if (malformedRecords.get() > 0) {
      LOG.warn("Skipped {} malformed records in all", malformedRecords.get());
    }
  }
}
