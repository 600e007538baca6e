package io.gadgetflow.web.live;

import io.gadgetflow.kafka.ContractRecords;
import io.gadgetflow.kafka.ContractRecords.Read;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KeyPartitions;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Finds the last events of one trace in the events topic, for a websocket that just connected. A
 * consumer of its own lives for one request, on a worker: it reads only the partition the trace's
 * key maps to, backwards from the end in growing windows, and stops as soon as it has enough
 * events, reaches the trace's start, or has looked long enough.
 */
public final class EventReplay {
  private static final int FIRST_WINDOW_MIN = 1024;
  private static final int WINDOW_GROWTH = 4;
  private static final long MAX_SCANNED_RECORDS = 2_000_000;
  private static final Duration MAX_TIME = Duration.ofSeconds(5);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  private static final int NO_PARTITION = -1;

  /**
   * @param partition the partition of the trace's events
   * @param endOffset the partition's end when the replay started: live events from this offset on
   *     come after the replayed ones
   * @param events oldest first, as the node agent wrote them
   * @param complete false when the scan stopped at its limits before finding {@code count} events
   *     or reaching {@code since}
   */
  public record Replayed(int partition, long endOffset, List<String> events, boolean complete) {}

  private final KafkaClients kafka;
  private final String topic;
  private final WorkerExecutor workers;

  public EventReplay(KafkaClients kafka, String topic, WorkerExecutor workers) {
    this.kafka = kafka;
    this.topic = topic;
    this.workers = workers;
  }

  /** The last {@code count} events of the trace written at or after {@code since}. */
  public Future<Replayed> lastEvents(String traceUid, Instant since, int count) {
    if (count == 0) {
      // Nothing to replay, so no live event may be taken for a replayed one either.
      return Future.succeededFuture(new Replayed(NO_PARTITION, 0, List.of(), true));
    }
    return workers.executeBlocking(() -> scan(traceUid, since, count), false);
  }

  private Replayed scan(String traceUid, Instant since, int count) {
    long deadline = System.nanoTime() + MAX_TIME.toNanos();
    byte[] key = traceUid.getBytes(StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
      int partitions = consumer.partitionsFor(topic, MAX_TIME).size();
      TopicPartition partition = new TopicPartition(topic, KeyPartitions.of(traceUid, partitions));
      consumer.assign(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      long start = startOffset(consumer, partition, since, end);

      Deque<String> found = new ArrayDeque<>();
      long to = end;
      long window = Math.max(FIRST_WINDOW_MIN, (long) count * WINDOW_GROWTH);
      long scanned = 0;
      while (to > start
          && found.size() < count
          && scanned < MAX_SCANNED_RECORDS
          && System.nanoTime() < deadline) {
        long from = Math.max(start, to - window);
        List<String> older = read(consumer, partition, traceUid, key, from, to, deadline);
        for (int i = older.size() - 1; i >= 0 && found.size() < count; i--) {
          found.addFirst(older.get(i));
        }
        scanned += to - from;
        to = from;
        window *= WINDOW_GROWTH;
      }
      boolean complete = found.size() >= count || to <= start;
      return new Replayed(partition.partition(), end, new ArrayList<>(found), complete);
    }
  }

  /** The offset of the first record at or after {@code since}, or {@code end} when none is. */
  private static long startOffset(
      KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, Instant since, long end) {
    long beginning = consumer.beginningOffsets(List.of(partition)).get(partition);
    if (since == null) {
      return beginning;
    }
    OffsetAndTimestamp first =
        consumer.offsetsForTimes(Map.of(partition, since.toEpochMilli())).get(partition);
    return first == null ? end : Math.max(beginning, first.offset());
  }

  /** The trace's valid events among the records in [from, to), in order. */
  private static List<String> read(
      KafkaConsumer<byte[], byte[]> consumer,
      TopicPartition partition,
      String traceUid,
      byte[] key,
      long from,
      long to,
      long deadline) {
    List<String> events = new ArrayList<>();
    consumer.seek(partition, from);
    while (consumer.position(partition) < to && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
        if (record.offset() >= to) {
          break;
        }
        // The live feed counted the bad ones as they came; history is served without them.
        if (Arrays.equals(record.key(), key)
            && ContractRecords.events(
                    traceUid, record.value(), record.headers(), FeedRecords.MAX_EVENT_BYTES)
                instanceof Read.Valid<List<String>>(List<String> jsons)) {
          events.addAll(jsons);
        }
      }
    }
    return events;
  }

  private KafkaConsumer<byte[], byte[]> newConsumer() {
    Properties properties = kafka.groupFreeConsumer("gadgetflow-web-replay");
    // Retention may delete a window while it is read; carry on from what is left.
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    return new KafkaConsumer<>(
        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
