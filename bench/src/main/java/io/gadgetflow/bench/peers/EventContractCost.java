package io.gadgetflow.bench.peers;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.kafka.EventStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the event contract costs Kafka's producer per event, against alternatives, in one JVM and
 * one run: the same open events (the agent's JSON of a storm's openat) sent through a producer with
 * the agent's settings to the broker of bench/peers, each variant in turn, as fast as one thread
 * sends. Measured: this process's CPU (the sending thread and the producer's I/O thread) per event,
 * from the first send to the last acknowledgement, and the bytes the broker got per event (the
 * producer's compressed batches). Nothing else runs in this JVM meanwhile.
 *
 * <ul>
 *   <li>{@code contract}: today's contract, one record per event, seven CloudEvents headers, lz4;
 *   <li>{@code no headers}: one record per event, no headers (CloudEvents structured mode would
 *       move the attributes into the JSON);
 *   <li>{@code 64 per record}: 64 events per record (newline-delimited JSON), the headers once;
 *   <li>{@code 64 per record, zstd}: the same with zstd instead of lz4.
 * </ul>
 */
final class EventContractCost {
  private static final int EVENTS = 400_000;
  private static final int WARM_UP_EVENTS = 200_000;
  private static final int EVENTS_PER_BATCH_RECORD = 64;

  private EventContractCost() {}

  /** The table's rows, one per variant. */
  static List<String> run(String bootstrap, String node) throws Exception {
    NodeConfig config = NodeConfig.defaults(node, bootstrap);
    EventStream stream = new EventStream(node, trace(node));
    byte[] key = stream.traceUid().getBytes(UTF_8);
    byte[] event = openEvent();
    List<String> rows = new ArrayList<>();
    for (String variant :
        List.of("contract", "no headers", "64 per record", "64 per record, zstd")) {
      Properties settings = EventSink.producerConfig(config.kafka(), node);
      if (variant.endsWith("zstd")) {
        settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
      }
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer())) {
        send(producer, variant, stream, key, event, WARM_UP_EVENTS);
        long bytesBefore = sentBytes(producer);
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        send(producer, variant, stream, key, event, EVENTS);
        long nanos = System.nanoTime() - start;
        long cpu = processCpuNanos() - cpuBefore;
        rows.add(
            String.format(
                Locale.ROOT,
                "| %s | %,d | %.2f | %,.0f | %.1f |",
                variant,
                EVENTS,
                cpu / 1e3 / EVENTS,
                EVENTS * 1e9 / nanos,
                (double) (sentBytes(producer) - bytesBefore) / EVENTS));
      }
    }
    return rows;
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      String variant,
      EventStream stream,
      byte[] key,
      byte[] event,
      int events) {
    String topic = TopicNames.DEFAULTS.events();
    long now = System.currentTimeMillis() * 1_000_000;
    if (variant.startsWith("64 per record")) {
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      for (int i = 0; i < events; i += EVENTS_PER_BATCH_RECORD) {
        batch.reset();
        for (int j = 0; j < EVENTS_PER_BATCH_RECORD; j++) {
          batch.writeBytes(event);
          batch.write('\n');
        }
        producer.send(
            new ProducerRecord<>(
                topic, null, now / 1_000_000, key, batch.toByteArray(), stream.headers(i, now)));
      }
    } else {
      for (int i = 0; i < events; i++) {
        producer.send(
            new ProducerRecord<>(
                topic,
                null,
                now / 1_000_000,
                key,
                event,
                variant.equals("contract") ? stream.headers(i, now + i) : new RecordHeaders()));
      }
    }
    producer.flush();
  }

  private static long sentBytes(KafkaProducer<byte[], byte[]> producer) {
    return producer.metrics().entrySet().stream()
        .filter(
            metric ->
                metric.getKey().name().equals("outgoing-byte-total")
                    && metric.getKey().group().equals("producer-metrics"))
        .mapToLong(metric -> ((Number) metric.getValue().metricValue()).longValue())
        .sum();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The agent's JSON of one of the storm's opens, container fields empty (a host process). */
  private static byte[] openEvent() {
    return ("{\"node\":\"peers-bench\",\"namespace\":\"\",\"pod\":\"\",\"container\":\"\","
            + "\"timestamp\":1796569437123456789,\"type\":\"normal\",\"mountnsid\":4026531841,"
            + "\"pid\":123456,\"uid\":0,\"comm\":\"gf-storm\",\"fd\":3,\"ret\":3,\"err\":0,"
            + "\"path\":\"/dev/null\"}")
        .getBytes(UTF_8);
  }

  private static ControlRecord trace(String node) {
    return ControlRecord.streamStart(
        "peers-contract",
        UUID.randomUUID().toString(),
        node,
        "opensnoop",
        null,
        UUID.randomUUID().toString(),
        Instant.now());
  }
}
