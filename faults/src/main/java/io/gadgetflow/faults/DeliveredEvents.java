package io.gadgetflow.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the events topic from its beginning, as a user's consumer would, through the fault: which
 * of the {@link NumberedEvents} arrived, which more than once, when the first event made after a
 * moment arrived, and how many lost events the warnings that arrived told of.
 */
public final class DeliveredEvents implements AutoCloseable {
  private static final Pattern SEQUENCE = Pattern.compile("\"seq\":(\\d+)");
  private static final Pattern TIMESTAMP = Pattern.compile("\"timestamp\":(\\d+)");

  /** A warning about lost events: how many it tells of. */
  static final Pattern LOSS_WARNING = Pattern.compile("\"message\":\"lost (\\d+) samples\"");

  /** The start of the warning a restarted agent's resumed trace begins with. */
  private static final String RESUMED_WARNING = "\"node agent restarted:";

  private final String traceUid;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread reader;
  private final BitSet seen = new BitSet();
  private long duplicates;
  private long resumedWarnings;
  private long toldLost;
  private long recoveredAtMillis = -1;
  private long lastArrivalMillis = -1;
  private long longestStallMillis;
  private long madeAfterMillis = Long.MAX_VALUE;
  private volatile boolean closing;

  public DeliveredEvents(String bootstrapServers, String topic, String traceUid) {
    this.traceUid = traceUid;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "faults-delivered-events"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.reader = Thread.ofPlatform().name("faults-delivered-events").start(this::read);
  }

  /** From now on, notes when the first event made after {@code epochMillis} arrives. */
  public synchronized void awaitRecoveryAfter(long epochMillis) {
    madeAfterMillis = epochMillis;
    recoveredAtMillis = -1;
  }

  /**
   * How long after the moment given to {@link #awaitRecoveryAfter} the first event made after it
   * arrived, in milliseconds, or -1 while none did.
   */
  public synchronized long recoveryMillis() {
    return recoveredAtMillis < 0 ? -1 : recoveredAtMillis - madeAfterMillis;
  }

  /** When the first event made after the moment given arrived, or -1 while none did. */
  public synchronized long recoveredAtMillis() {
    return recoveredAtMillis;
  }

  public synchronized long delivered() {
    return seen.cardinality();
  }

  public synchronized long duplicates() {
    return duplicates;
  }

  private void read() {
    while (!closing) {
      try {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (traceUid.equals(record.key())) {
            note(new String(record.value(), StandardCharsets.UTF_8));
          }
        }
      } catch (KafkaException e) {
        if (closing) {
          return;
        }
        // The consumer rides out the broker's outage as a user's would.
      }
    }
  }

  /** The warnings that a restarted agent runs the trace again, each a gap said. */
  public synchronized long resumedWarnings() {
    return resumedWarnings;
  }

  /** The lost events that the trace's warning events that arrived told of. */
  public synchronized long toldLost() {
    return toldLost;
  }

  /** The number of the first event from {@code from} on that arrived, or {@code from}. */
  public synchronized long firstFrom(long from) {
    return Math.max(from, seen.nextSetBit((int) from));
  }

  /** The numbered events from {@code from} on that arrived. */
  public synchronized long deliveredFrom(long from) {
    return seen.get((int) from, Math.max((int) from, seen.length())).cardinality();
  }

  /**
   * The longest time between two arrivals of the trace's events so far, from its first: how long
   * the stream stalled, in milliseconds.
   */
  public synchronized long longestStallMillis() {
    return longestStallMillis;
  }

  private synchronized void note(String json) {
    if (json.contains(RESUMED_WARNING)) {
      resumedWarnings++;
    }
    Matcher lossWarning = LOSS_WARNING.matcher(json);
    if (lossWarning.find()) {
      toldLost += Long.parseLong(lossWarning.group(1));
    }
    Matcher sequence = SEQUENCE.matcher(json);
    if (!sequence.find()) {
      return;
    }
    int number = Integer.parseInt(sequence.group(1));
    long now = System.currentTimeMillis();
    if (lastArrivalMillis >= 0) {
      longestStallMillis = Math.max(longestStallMillis, now - lastArrivalMillis);
    }
    lastArrivalMillis = now;
    if (seen.get(number)) {
      duplicates++;
    } else {
      seen.set(number);
    }
    Matcher timestamp = TIMESTAMP.matcher(json);
    if (recoveredAtMillis < 0
        && timestamp.find()
        && Long.parseLong(timestamp.group(1)) / 1_000_000 >= madeAfterMillis) {
      recoveredAtMillis = now;
    }
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    consumer.wakeup();
    reader.join();
    consumer.close();
  }
}
