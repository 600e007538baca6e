package io.gadgetflow.node.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class EventSinkTest {
  private final EventStream stream =
      new EventStream(
          "node-1",
          new ControlRecord(
              "gadget",
              "exec",
              "uid-1",
              1,
              "node-1",
              "execsnoop",
              null,
              OutputMode.STREAM,
              null,
              Map.of(),
              Operation.START,
              "op-1",
              true,
              Instant.EPOCH));

  /**
   * A producer that fails in a way the sender does not expect (here: it was closed underneath it)
   * ends the sender thread; the agent's supervision hears of it, which turns {@code /health} DOWN
   * and restarts the agent instead of letting every event queue up and be counted lost.
   */
  @Test
  void aSenderThatDiesIsReportedToTheSupervision() throws Exception {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    Supervision supervision = new Supervision();
    CompletableFuture<Supervision.Failure> told = new CompletableFuture<>();
    supervision.onFailure(told::complete);
    producer.close();

    try (EventSink sink = new EventSink(producer, "gadget.events", 16, null, supervision)) {
      assertThat(sink.offer(stream, 1, "{}".getBytes(UTF_8))).isTrue();

      Supervision.Failure failure = told.get(30, TimeUnit.SECONDS);
      assertThat(failure.part()).isEqualTo("gadgetflow-event-sender");
      assertThat(failure.cause()).isInstanceOf(IllegalStateException.class);
      assertThat(supervision.failure()).contains(failure);
    }
  }
}
