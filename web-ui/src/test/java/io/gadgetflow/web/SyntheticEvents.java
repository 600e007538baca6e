package io.gadgetflow.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Events in the shape the exec gadget writes, for tests that need more of them, or sooner, than
 * real processes give: they travel the same topic, keyed by the trace's uid, as a node agent's.
 */
final class SyntheticEvents {
  private SyntheticEvents() {}

  /** Arguments that make an event as long as a busy command line's, about 900 bytes in all. */
  private static final List<String> LONG_ARGUMENTS =
      IntStream.range(0, 10).mapToObj(i -> "--option-" + i + "=" + "x".repeat(52)).toList();

  static String exec(int sequence, String node) {
    Instant now = Instant.now();
    JsonArray args = new JsonArray().add("/bin/synthetic").add("seq-" + sequence);
    LONG_ARGUMENTS.forEach(args::add);
    return new JsonObject()
        .put("timestamp", now.getEpochSecond() * 1_000_000_000L + now.getNano())
        .put("type", "normal")
        .put("mountnsid", 4026531841L)
        .put("pid", 100_000 + sequence)
        .put("ppid", 1)
        .put("uid", 0)
        .put("comm", "synthetic")
        .put("ret", 0)
        .put("args", args)
        .put("node", node)
        .encode();
  }

  /** Sends events {@code first} to {@code first + count - 1} and waits until Kafka has them all. */
  static void send(
      KafkaProducer<String, String> producer,
      String topic,
      String traceUid,
      String node,
      int first,
      int count) {
    for (int i = first; i < first + count; i++) {
      producer.send(new ProducerRecord<>(topic, traceUid, exec(i, node)));
    }
    producer.flush();
  }

  /**
   * Like {@link #send} at about {@code perSecond} events a second, the pace of a busy node rather
   * than the fastest a producer can go.
   */
  static void sendAtRate(
      KafkaProducer<String, String> producer,
      String topic,
      String traceUid,
      String node,
      int count,
      int perSecond) {
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long due = start + i * 1_000_000_000L / perSecond;
      long early = due - System.nanoTime();
      if (early > 0) {
        LockSupport.parkNanos(early);
      }
      producer.send(new ProducerRecord<>(topic, traceUid, exec(i, node)));
    }
    producer.flush();
  }

  static int sequenceOf(JsonObject event) {
    return Integer.parseInt(event.getJsonArray("args").getString(1).substring("seq-".length()));
  }
}
