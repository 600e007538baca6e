package io.gadgetflow.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.controller.kube.TraceCache;
import io.gadgetflow.controller.output.SeccompProfileWriter;
import io.gadgetflow.controller.status.PendingAnswers.Awaited;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An answer read from the status topic ends the wait for it at once: however long its status write
 * then waits for the API server, or if it fails, the Trace is never shown as "did not answer".
 */
@ExtendWith(VertxExtension.class)
class NodeReportHandlerTest {
  private static final Duration TIMEOUT = Duration.ofMillis(200);
  private static final String NODE = "node-a";
  private static final Awaited START = new Awaited("op-1", "gadget/t", NODE, "start");

  private final List<Awaited> timedOut = new ArrayList<>();
  private final List<TraceStatus> writesAsked = new ArrayList<>();

  @Test
  void anAnswerWhoseWriteWaitsForTheApiServerIsNoSilence(Vertx vertx, VertxTestContext test) {
    Promise<Trace> neverWritten = Promise.promise();
    answerBeforeTheDeadline(
        vertx,
        test,
        () -> neverWritten.future(),
        handled -> assertThat(handled.isComplete()).isFalse());
  }

  @Test
  void anAnswerWhoseWriteFailsIsAFailedWriteNotSilence(Vertx vertx, VertxTestContext test) {
    answerBeforeTheDeadline(
        vertx,
        test,
        () -> Future.failedFuture(new IllegalStateException("API server away")),
        handled -> assertThat(handled.failed()).isTrue());
  }

  /**
   * Hands the start over, has its answer read while the write {@code written} makes is pending or
   * failed, and checks, well after the deadline, that nothing timed out.
   */
  private void answerBeforeTheDeadline(
      Vertx vertx,
      VertxTestContext test,
      Supplier<Future<Trace>> written,
      Consumer<Future<Void>> handledCheck) {
    vertx.runOnContext(
        ignored -> {
          PendingAnswers pending =
              new PendingAnswers(
                  vertx, Future::succeededFuture, (awaited, takenByKafka) -> timedOut.add(awaited));
          NodeReportHandler handler = handler(vertx, pending, written);
          pending.handOver(START, TIMEOUT, Future::succeededFuture);

          Future<Void> handled = handler.onReport(answer());

          vertx.setTimer(
              TIMEOUT.toMillis() * 3,
              later ->
                  test.verify(
                      () -> {
                        assertThat(timedOut).isEmpty();
                        assertThat(writesAsked)
                            .singleElement()
                            .extracting(TraceStatus::getState)
                            .isEqualTo(TraceState.STARTED);
                        handledCheck.accept(handled);
                        test.completeNow();
                      }));
        });
  }

  /**
   * A deadline passed: the Trace says whether the node was silent or Kafka never took the operation
   * (then the node never had it, and asking whether an agent runs there would mislead).
   */
  @Test
  void aDeadlineSaysWhetherKafkaOrTheNodeHeldTheOperationUp(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          NodeReportHandler handler =
              handler(
                  vertx,
                  new PendingAnswers(vertx, Future::succeededFuture, (awaited, takenByKafka) -> {}),
                  () -> Future.succeededFuture(trace()));
          handler
              .onDeadline(START, false)
              .compose(v -> handler.onDeadline(START, true))
              .onComplete(
                  test.succeeding(
                      v ->
                          test.verify(
                              () -> {
                                assertThat(writesAsked)
                                    .extracting(TraceStatus::getOperationError)
                                    .satisfiesExactly(
                                        notTaken ->
                                            assertThat(notTaken)
                                                .isEqualTo(
                                                    "Operation \"start\" is not handed to node \"node-a\" yet: Kafka did not take it in time; the node receives it once Kafka does"),
                                        silent ->
                                            assertThat(silent)
                                                .isEqualTo(
                                                    "Node \"node-a\" did not answer operation \"start\": is a GadgetFlow node agent running there?"));
                                test.completeNow();
                              })));
        });
  }

  private NodeReportHandler handler(
      Vertx vertx, PendingAnswers pending, Supplier<Future<Trace>> written) {
    StatusWriter writer =
        new StatusWriter(
            (t, status) -> {
              writesAsked.add(status);
              return written.get();
            },
            vertx,
            Duration.ofSeconds(10),
            20);
    return new NodeReportHandler(
        new OneTrace(trace()),
        new SeccompProfileWriter(null, null, (namespace, name) -> false),
        writer,
        pending,
        settled -> {},
        refused -> {},
        Clock.systemUTC());
  }

  private static NodeReport answer() {
    return new NodeReport(
        NODE,
        "uid-1",
        START.operationId(),
        TraceState.STARTED,
        null,
        null,
        null,
        null,
        Instant.parse("2026-12-07T01:00:00Z"));
  }

  private static Trace trace() {
    Trace trace = new Trace();
    trace.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("gadget")
            .withName("t")
            .withUid("uid-1")
            .withResourceVersion("1")
            .withGeneration(1L)
            .build());
    TraceSpec spec = new TraceSpec();
    spec.setNode(NODE);
    spec.setGadget("execsnoop");
    spec.setOutputMode(OutputMode.STREAM);
    trace.setSpec(spec);
    return trace;
  }

  private record OneTrace(Trace trace) implements TraceCache {
    @Override
    public Optional<Trace> get(String key) {
      return Optional.of(trace).filter(t -> key.equals("gadget/t"));
    }

    @Override
    public Optional<Trace> byUid(String uid) {
      return Optional.of(trace).filter(t -> uid.equals(t.getMetadata().getUid()));
    }
  }
}
