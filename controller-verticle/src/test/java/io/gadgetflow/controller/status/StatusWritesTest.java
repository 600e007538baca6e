package io.gadgetflow.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Status writes against a stand-in for the API server that keeps one Trace, refuses a write over
 * any version but its current one with 409 as the real one does, and fails when told to.
 */
@ExtendWith(VertxExtension.class)
class StatusWritesTest {
  private Trace current = trace("1", new TraceStatus());

  /** Failures the next writes meet, in order, before the server takes one. */
  private final Deque<Integer> failures = new ArrayDeque<>();

  private final List<TraceStatus> written = new ArrayList<>();

  private int reads;

  private StatusWrites writes(Vertx vertx) {
    return new StatusWrites(
        this::replaceStatus,
        trace -> {
          reads++;
          return Future.succeededFuture(current);
        },
        vertx);
  }

  private Future<Trace> replaceStatus(Trace over, TraceStatus status) {
    if (!failures.isEmpty()) {
      int code = failures.pop();
      return Future.failedFuture(new KubernetesClientException("refused", code, null));
    }
    if (!over.getMetadata()
        .getResourceVersion()
        .equals(current.getMetadata().getResourceVersion())) {
      return Future.failedFuture(new KubernetesClientException("changed", 409, null));
    }
    written.add(status);
    current =
        trace(
            Integer.toString(Integer.parseInt(current.getMetadata().getResourceVersion()) + 1),
            status);
    return Future.succeededFuture(current);
  }

  @Test
  void aWriteThatLostTheRaceKeepsTheOtherWritersChangeAndItsOwn(
      Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        v -> {
          Trace stale = current;
          TraceStatus warned = new TraceStatus();
          warned.setOperationWarning("written by somebody else meanwhile");
          current = trace("2", warned);

          writes(vertx)
              .write(stale, status(TraceState.STOPPED, 7))
              .onComplete(
                  test.succeeding(
                      done ->
                          test.verify(
                              () -> {
                                assertThat(current.getStatus().getState())
                                    .isEqualTo(TraceState.STOPPED);
                                assertThat(current.getStatus().getEvents()).isEqualTo(7);
                                assertThat(current.getStatus().getOperationWarning())
                                    .isEqualTo("written by somebody else meanwhile");
                                test.completeNow();
                              })));
        });
  }

  @Test
  void aFinalStoppedIsWrittenOnceTheApiServerAnswersAgain(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        v -> {
          failures.addAll(List.of(503, 0, 429));

          writes(vertx)
              .write(current, status(TraceState.STOPPED, 3))
              .onComplete(
                  test.succeeding(
                      done ->
                          test.verify(
                              () -> {
                                assertThat(failures).isEmpty();
                                assertThat(current.getStatus().getState())
                                    .isEqualTo(TraceState.STOPPED);
                                test.completeNow();
                              })));
        });
  }

  @Test
  void aTracesWritesLandInTheOrderAsked(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        v -> {
          failures.add(503);
          StatusWrites writes = writes(vertx);
          Trace seen = current;

          writes.write(seen, status(TraceState.STARTED, 1));
          writes
              .write(seen, status(TraceState.STOPPED, 2))
              .onComplete(
                  test.succeeding(
                      done ->
                          test.verify(
                              () -> {
                                assertThat(written)
                                    .extracting(TraceStatus::getState)
                                    .containsExactly(TraceState.STARTED, TraceState.STOPPED);
                                assertThat(current.getStatus().getEvents()).isEqualTo(2);
                                test.completeNow();
                              })));
        });
  }

  /** A node's answer to a stop often comes before the watch shows that the stop was taken. */
  @Test
  void aWriteFromTheVersionAnOperationsTakeReplacedGoesOverWhatTheTakeMade(
      Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        v -> {
          StatusWrites writes = writes(vertx);
          Trace cached = current;
          // The take: a metadata patch of the Trace, which changes its version, not its status.
          current = trace("2", cached.getStatus());
          writes.wroteOver(cached, current);

          writes
              .write(cached, status(TraceState.STOPPED, 3))
              .onComplete(
                  test.succeeding(
                      done ->
                          test.verify(
                              () -> {
                                assertThat(reads).as("Traces read after a conflict").isZero();
                                assertThat(written)
                                    .extracting(TraceStatus::getState)
                                    .containsExactly(TraceState.STOPPED);
                                test.completeNow();
                              })));
        });
  }

  /** The watch cache lags the controller's own writes; that alone costs no conflict and read. */
  @Test
  void aWriteFromTheVersionTheLastWriteReplacedGoesOverWhatItMade(
      Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        v -> {
          StatusWrites writes = writes(vertx);
          Trace cached = current;

          writes
              .write(cached, status(TraceState.STARTED, 1))
              .compose(first -> writes.write(cached, status(TraceState.STARTED, 5)))
              .onComplete(
                  test.succeeding(
                      done ->
                          test.verify(
                              () -> {
                                assertThat(reads).isZero();
                                assertThat(written).hasSize(2);
                                assertThat(current.getStatus().getEvents()).isEqualTo(5);
                                test.completeNow();
                              })));
        });
  }

  @Test
  void aStatusTheApiServerRefusesForGoodFailsAtOnce(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        v -> {
          failures.add(422);

          writes(vertx)
              .write(current, status(TraceState.STARTED, 1))
              .onComplete(
                  test.failing(
                      e ->
                          test.verify(
                              () -> {
                                assertThat(written).isEmpty();
                                test.completeNow();
                              })));
        });
  }

  @Test
  void stoppingGivesUpWhatWaitsToBeTriedAgain(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        v -> {
          failures.addAll(List.of(503, 503));
          StatusWrites writes = writes(vertx);

          Future<Trace> written = writes.write(current, status(TraceState.STOPPED, 1));
          writes.stop();
          written.onComplete(
              test.failing(
                  e ->
                      test.verify(
                          () -> {
                            assertThat(this.written).isEmpty();
                            test.completeNow();
                          })));
        });
  }

  private static TraceStatus status(TraceState state, long events) {
    TraceStatus status = new TraceStatus();
    status.setState(state);
    status.setEvents(events);
    return status;
  }

  private static Trace trace(String resourceVersion, TraceStatus status) {
    Trace trace = new Trace();
    trace.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("gadget")
            .withName("t")
            .withUid("uid-1")
            .withResourceVersion(resourceVersion)
            .build());
    trace.setStatus(status);
    return trace;
  }
}
