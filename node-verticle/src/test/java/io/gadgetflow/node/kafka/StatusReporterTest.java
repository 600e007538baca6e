package io.gadgetflow.node.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.kafka.identity.NodeKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reports the status topic does not take while a broker is away: each fails its own future and is
 * counted, none reaches the context as an unhandled exception (the log said so for every one).
 */
class StatusReporterTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<Throwable> unhandled = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void failedReportsAreCountedAndNoneIsUnhandled() throws Exception {
    vertx.exceptionHandler(unhandled::add);
    MockProducer<String, byte[]> producer =
        new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    Counter failures = new SimpleMeterRegistry().counter("failures");
    Context context = vertx.getOrCreateContext();
    StatusReporter reporter =
        context
            .executeBlocking(
                () ->
                    StatusReporter.around(
                        vertx, producer, "gadget.status", NodeKey.generate("node-1"), failures))
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);

    List<Future<Void>> sent = new CopyOnWriteArrayList<>();
    context.runOnContext(
        v -> {
          for (int i = 0; i < 3; i++) {
            sent.add(reporter.report(report(i)));
          }
        });
    awaitSends(producer, 3);
    for (int i = 0; i < 3; i++) {
      producer.errorNext(new TimeoutException("broker away"));
    }
    awaitCompleted(sent, 3);

    assertThat(sent).allMatch(Future::failed);
    assertThat(failures.count()).isEqualTo(3);
    // Whatever the failures made the context do has run once a task queued after them has.
    CompletableFuture<Void> drained = new CompletableFuture<>();
    context.runOnContext(v -> drained.complete(null));
    drained.get(10, TimeUnit.SECONDS);
    assertThat(unhandled).isEmpty();
  }

  private static NodeReport report(int events) {
    return new NodeReport(
        "node-1",
        "uid",
        "op",
        TraceState.STARTED,
        null,
        null,
        null,
        new EventCounters(events, 0),
        Instant.now(),
        true);
  }

  private static void awaitSends(MockProducer<String, byte[]> producer, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (producer.history().size() < count && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  private static void awaitCompleted(List<Future<Void>> sent, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((sent.size() < count || !sent.stream().allMatch(Future::isComplete))
        && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }
}
