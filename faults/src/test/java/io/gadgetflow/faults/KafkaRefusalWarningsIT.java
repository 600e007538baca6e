package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.local.kafka.KafkaCluster;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.kafka.EventForm;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.trace.SyntheticGadget;
import io.gadgetflow.node.trace.TraceSession;
import io.gadgetflow.testing.StreamTraceStarts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker away for longer than the agent's producer waits for it: Kafka refuses the trace's events
 * (expired), and the warnings about them too while it is away. Once the broker is back, a warning
 * that reaches the events topic tells of every one of them: the warnings a reader gets add up to
 * the counters' losses, Kafka's included.
 *
 * <p>The producer is the agent's, but waits 3 s for an answer instead of 120 s and refuses a record
 * at once while it knows no broker (instead of after 60 s), so that an outage of seconds makes
 * Kafka refuse events and warnings alike.
 */
class KafkaRefusalWarningsIT {
  private static final String NODE = "refusals-node";
  private static final String TRACE_UID = "uid-refusals";
  private static final Duration WITHIN = Duration.ofSeconds(60);

  @Test
  void whatKafkaRefusedIsToldOnceItTakesRecordsAgain(@TempDir Path scratch) throws Exception {
    try (KafkaCluster cluster = FaultSteps.startCluster(scratch, 1)) {
      String bootstrap = cluster.bootstrapServers();
      NodeConfig config = NodeConfig.defaults(NODE, bootstrap);
      Properties producerConfig = EventSink.producerConfig(config.kafka(), NODE);
      producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "3000");
      producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
      // Without the broker the producer has no metadata for the topic, and each send waits for it
      // this long before it refuses the record (60 s by default): at 0, Kafka's refusals keep up
      // with the events, and the warnings queued behind them are sent and refused in turn.
      producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "0");
      String topic = TopicNames.DEFAULTS.events();
      try (EventSink sink =
              EventSink.around(
                  new KafkaProducer<>(
                      producerConfig, new ByteArraySerializer(), new ByteArraySerializer()),
                  topic,
                  config.eventQueueBytes(),
                  EventForm.RECORD);
          DeliveredEvents delivered = new DeliveredEvents(bootstrap, topic, TRACE_UID)) {
        SyntheticGadget gadget = new SyntheticGadget("execsnoop", sink, NODE);
        TraceSession session =
            gadget.join(
                StreamTraceStarts.of(
                    "refusals", TRACE_UID, NODE, "execsnoop", "op-1", Instant.EPOCH),
                Optional.empty());
        try (Emitter emitter = new Emitter(gadget)) {
          await("the first event", () -> delivered.delivered() > 0);

          cluster.kill(1);
          // Refused at once or after 3 s; each warning about them is refused as well, and told
          // again by the next: some 5 s of events refused cover many such rounds.
          await(
              "Kafka refusing events for some seconds",
              () -> session.counters().lostAt().kafka() > 5 * Emitter.PER_SECOND);
          delivered.awaitRecoveryAfter(System.currentTimeMillis());
          cluster.restart(1);
          await("an event made after the restart", () -> delivered.recoveredAtMillis() >= 0);

          long emitted = emitter.stopEmitting();
          await(
              "Kafka's answer to every event",
              () -> session.counters().events() + session.counters().lost() == emitted);
          EventCounters counters = session.counters();
          await("warnings telling of every loss", () -> delivered.toldLost() >= counters.lost());
          assertThat(counters.lostAt().kafka()).isEqualTo(counters.lost()).isPositive();
          assertThat(delivered.toldLost()).isEqualTo(counters.lost());
        } finally {
          session.close();
        }
      }
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    FaultSteps.awaitCondition(condition, WITHIN, what);
  }

  /**
   * Emits a numbered event every millisecond, as a ring reader hands them over, until {@link
   * #stopEmitting()}; then has the gadget warn of losses, as a ring reader does after each poll,
   * events or not, until closed.
   */
  private static final class Emitter implements AutoCloseable {
    static final long PER_SECOND = 1000;

    private final SyntheticGadget gadget;
    private final Thread thread;
    private final CountDownLatch emittingStopped = new CountDownLatch(1);
    private volatile boolean emitting = true;
    private volatile boolean closed;

    /** The emitting thread's; read by others once {@link #emittingStopped}. */
    private long emitted;

    Emitter(SyntheticGadget gadget) {
      this.gadget = gadget;
      this.thread = Thread.ofPlatform().name("refusals-emitter").start(this::run);
    }

    private void run() {
      long periodNanos = TimeUnit.SECONDS.toNanos(1) / PER_SECOND;
      while (emitting) {
        long epochNanos = System.currentTimeMillis() * 1_000_000;
        byte[] json =
            "{\"timestamp\":%d,\"type\":\"normal\",\"seq\":%d}"
                .formatted(epochNanos, emitted)
                .getBytes(StandardCharsets.UTF_8);
        gadget.emit(epochNanos, json);
        emitted++;
        LockSupport.parkNanos(periodNanos);
      }
      emittingStopped.countDown();
      while (!closed) {
        gadget.warnAboutLosses();
        LockSupport.parkNanos(periodNanos);
      }
    }

    /** Stops the events; returns how many were emitted, once the last is handed over. */
    long stopEmitting() throws InterruptedException {
      emitting = false;
      emittingStopped.await();
      return emitted;
    }

    @Override
    public void close() throws InterruptedException {
      emitting = false;
      closed = true;
      thread.join();
    }
  }
}
