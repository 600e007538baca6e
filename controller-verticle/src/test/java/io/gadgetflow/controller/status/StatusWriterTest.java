package io.gadgetflow.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class StatusWriterTest {
  private static final Duration COUNTERS_INTERVAL = Duration.ofMillis(200);

  /** What reached the API server. */
  private final List<TraceStatus> written = new ArrayList<>();

  private StatusWriter writer(Vertx vertx, Duration countersInterval) {
    return writer(vertx, countersInterval, 1000);
  }

  private StatusWriter writer(Vertx vertx, Duration countersInterval, int writesPerSecond) {
    return new StatusWriter(
        (trace, status) -> {
          written.add(status);
          return Future.succeededFuture(trace);
        },
        vertx,
        countersInterval,
        writesPerSecond);
  }

  /** Writes a Stopped answer when {@code answerWritten} completes, anything else at once. */
  private StatusWriter writerOfSlowAnswers(
      Vertx vertx, Duration countersInterval, Future<Trace> answerWritten) {
    return new StatusWriter(
        (trace, status) -> {
          written.add(status);
          return status.getState() == TraceState.STOPPED
              ? answerWritten
              : Future.succeededFuture(trace);
        },
        vertx,
        countersInterval,
        1000);
  }

  @Test
  void counterUpdatesWaitAndOnlyTheLatestIsWritten(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          StatusWriter writer = writer(vertx, COUNTERS_INTERVAL);
          Trace started = trace(status(TraceState.STARTED, 0));
          writer.write(started, status(TraceState.STARTED, 5));
          writer.write(started, status(TraceState.STARTED, 9));
          test.verify(() -> assertThat(written).isEmpty());
          vertx.setTimer(
              COUNTERS_INTERVAL.toMillis() * 3,
              later ->
                  test.verify(
                      () -> {
                        assertThat(written).extracting(TraceStatus::getEvents).containsExactly(9L);
                        test.completeNow();
                      }));
        });
  }

  @Test
  void aStateChangeIsWrittenAtOnceAndReplacesWaitingCounters(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          StatusWriter writer = writer(vertx, COUNTERS_INTERVAL);
          Trace started = trace(status(TraceState.STARTED, 0));
          writer.write(started, status(TraceState.STARTED, 5));
          writer.write(started, status(TraceState.STOPPED, 7));
          test.verify(
              () ->
                  assertThat(written)
                      .extracting(TraceStatus::getState)
                      .containsExactly(TraceState.STOPPED));
          vertx.setTimer(
              COUNTERS_INTERVAL.toMillis() * 3,
              later ->
                  test.verify(
                      () -> {
                        assertThat(written)
                            .as("the waiting counters were not written after the stop")
                            .hasSize(1);
                        test.completeNow();
                      }));
        });
  }

  @Test
  void counterUpdatesOfManyTracesAreWrittenNoFasterThanTheBudget(
      Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          // 10 a second: one every 100 ms; 30 Traces take 3 s.
          StatusWriter writer = writer(vertx, COUNTERS_INTERVAL, 10);
          for (int i = 0; i < 30; i++) {
            writer.write(
                trace("uid-" + i, status(TraceState.STARTED, 0)),
                status(TraceState.STARTED, i + 1));
          }
          long start = System.nanoTime();
          vertx.setTimer(
              COUNTERS_INTERVAL.toMillis() + 1000,
              oneSecond ->
                  test.verify(
                      () -> {
                        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
                        assertThat(written.size())
                            .as("written within %d ms", elapsedMillis)
                            .isBetween(1, (int) (elapsedMillis / 100) + 1)
                            .isLessThan(30);
                      }));
          vertx.setPeriodic(
              100,
              check -> {
                if (written.size() == 30) {
                  vertx.cancelTimer(check);
                  test.verify(
                      () ->
                          assertThat(written)
                              .extracting(TraceStatus::getEvents)
                              .as("oldest first")
                              .isSorted());
                  test.completeNow();
                }
              });
        });
  }

  @Test
  void onlyAFewCounterUpdatesAreWrittenAtOnceHoweverSlowTheApiServer(
      Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          // Writes that finish only when the test says so, and a budget that would allow all.
          List<Promise<Trace>> unfinished = new ArrayList<>();
          StatusWriter writer =
              new StatusWriter(
                  (trace, status) -> {
                    written.add(status);
                    Promise<Trace> write = Promise.promise();
                    unfinished.add(write);
                    return write.future();
                  },
                  vertx,
                  COUNTERS_INTERVAL,
                  1000);
          for (int i = 0; i < 20; i++) {
            writer.write(
                trace("uid-" + i, status(TraceState.STARTED, 0)),
                status(TraceState.STARTED, i + 1));
          }
          vertx.setTimer(
              COUNTERS_INTERVAL.toMillis() * 3,
              due -> {
                test.verify(
                    () ->
                        assertThat(written)
                            .as("counter writes sent while none finished")
                            .hasSize(StatusWriter.COUNTER_WRITES_IN_FLIGHT));
                List.copyOf(unfinished).forEach(write -> write.complete());
                vertx.setPeriodic(
                    20,
                    check -> {
                      if (written.size() >= 2 * StatusWriter.COUNTER_WRITES_IN_FLIGHT) {
                        vertx.cancelTimer(check);
                        test.verify(
                            () ->
                                assertThat(written)
                                    .as("as many more once those finished")
                                    .hasSize(2 * StatusWriter.COUNTER_WRITES_IN_FLIGHT));
                        test.completeNow();
                      }
                    });
              });
        });
  }

  @Test
  void counterUpdatesWaitWhileAnAnswerIsBeingWritten(Vertx vertx, VertxTestContext test) {
    Duration interval = Duration.ofSeconds(1);
    vertx.runOnContext(
        ignored -> {
          Promise<Trace> answerWritten = Promise.promise();
          StatusWriter writer = writerOfSlowAnswers(vertx, interval, answerWritten.future());
          writer.write(
              trace("uid-1", status(TraceState.STARTED, 0)), status(TraceState.STARTED, 5));
          writer.write(
              trace("uid-2", status(TraceState.STARTED, 0)), status(TraceState.STOPPED, 7));
          // The counters are due after one interval, overdue after two: in between, they wait.
          vertx.setTimer(
              interval.toMillis() * 3 / 2,
              due -> {
                test.verify(
                    () ->
                        assertThat(written)
                            .extracting(TraceStatus::getState)
                            .containsExactly(TraceState.STOPPED));
                answerWritten.complete(trace(status(TraceState.STOPPED, 7)));
                vertx.setPeriodic(
                    20,
                    check -> {
                      if (written.size() == 2) {
                        vertx.cancelTimer(check);
                        test.verify(
                            () ->
                                assertThat(written)
                                    .extracting(TraceStatus::getEvents)
                                    .containsExactly(7L, 5L));
                        test.completeNow();
                      }
                    });
              });
        });
  }

  @Test
  void overdueCounterUpdatesAreWrittenBesideAnswers(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          // An answer that never finishes.
          StatusWriter writer =
              writerOfSlowAnswers(vertx, COUNTERS_INTERVAL, Promise.<Trace>promise().future());
          writer.write(
              trace("uid-1", status(TraceState.STARTED, 0)), status(TraceState.STARTED, 5));
          writer.write(
              trace("uid-2", status(TraceState.STARTED, 0)), status(TraceState.STOPPED, 7));
          vertx.setPeriodic(
              50,
              check -> {
                if (written.size() == 2) {
                  vertx.cancelTimer(check);
                  test.completeNow();
                }
              });
        });
  }

  @Test
  void withoutAnIntervalEveryChangeIsWrittenAtOnce(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          StatusWriter writer = writer(vertx, Duration.ZERO);
          writer.write(trace(status(TraceState.STARTED, 0)), status(TraceState.STARTED, 5));
          test.verify(() -> assertThat(written).hasSize(1));
          test.completeNow();
        });
  }

  private static TraceStatus status(TraceState state, long events) {
    TraceStatus status = new TraceStatus();
    status.setState(state);
    status.setEvents(events);
    status.setLostEvents(0L);
    return status;
  }

  private static Trace trace(TraceStatus status) {
    return trace("uid-1", status);
  }

  private static Trace trace(String uid, TraceStatus status) {
    Trace trace = new Trace();
    trace.setMetadata(
        new ObjectMetaBuilder()
            .withName("exec-" + uid)
            .withNamespace("gadget")
            .withUid(uid)
            .build());
    trace.setStatus(status);
    return trace;
  }
}
