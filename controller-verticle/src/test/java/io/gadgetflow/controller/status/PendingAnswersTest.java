package io.gadgetflow.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.controller.status.PendingAnswers.Awaited;
import io.vertx.core.Future;
import io.vertx.core.Handler;
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
class PendingAnswersTest {
  private static final Duration TIMEOUT = Duration.ofMillis(200);
  private static final Awaited STOP = new Awaited("op-1", "gadget/t", "node-a", "stop");

  /** A deadline passed, and whether Kafka had taken the operation by then. */
  private record TimedOut(Awaited awaited, boolean takenByKafka) {}

  private final List<TimedOut> timedOut = new ArrayList<>();

  @Test
  void anAnswerBeforeTheHandOverIsAcknowledgedCounts(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          PendingAnswers pending =
              new PendingAnswers(vertx, Future::succeededFuture, this::timedOut);
          Promise<Void> published = Promise.promise();
          pending.handOver(STOP, TIMEOUT, published::future);
          test.verify(() -> assertThat(pending.answered(STOP.operationId())).contains(STOP));
          published.complete();
          afterTheDeadline(vertx, test, () -> assertThat(timedOut).isEmpty());
        });
  }

  @Test
  void theDeadlineRunsFromTheHandOversAcknowledgement(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          PendingAnswers pending =
              new PendingAnswers(vertx, Future::succeededFuture, this::timedOut);
          Promise<Void> published = Promise.promise();
          pending.handOver(STOP, TIMEOUT, published::future);
          // Kafka took the record most of a timeout after it was sent; the node answered a
          // moment later, after a deadline counted from the send, before one from the ack.
          vertx.setTimer(TIMEOUT.toMillis() * 3 / 4, acked -> published.complete());
          vertx.setTimer(
              TIMEOUT.toMillis() * 3 / 2,
              answeredLate ->
                  test.verify(
                      () -> {
                        assertThat(timedOut).isEmpty();
                        assertThat(pending.answered(STOP.operationId())).contains(STOP);
                      }));
          afterTheDeadline(vertx, test, () -> assertThat(timedOut).isEmpty());
        });
  }

  @Test
  void aHandOverKafkaNeverAcknowledgesMeetsItsDeadline(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          PendingAnswers pending =
              new PendingAnswers(vertx, Future::succeededFuture, this::timedOut);
          pending.handOver(STOP, TIMEOUT, () -> Promise.<Void>promise().future());
          afterTheDeadline(
              vertx, test, () -> assertThat(timedOut).containsExactly(new TimedOut(STOP, false)));
        });
  }

  @Test
  void anUnansweredOperationTimesOut(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          PendingAnswers pending =
              new PendingAnswers(vertx, Future::succeededFuture, this::timedOut);
          pending.handOver(STOP, TIMEOUT, Future::succeededFuture);
          afterTheDeadline(
              vertx,
              test,
              () -> {
                assertThat(timedOut).containsExactly(new TimedOut(STOP, true));
                assertThat(pending.isAwaited(STOP.operationId())).isFalse();
              });
        });
  }

  @Test
  void aFailedHandOverIsNotAwaited(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          PendingAnswers pending =
              new PendingAnswers(vertx, Future::succeededFuture, this::timedOut);
          pending
              .handOver(
                  STOP, TIMEOUT, () -> Future.failedFuture(new IllegalStateException("no broker")))
              .onComplete(
                  handedOver ->
                      test.verify(
                          () -> {
                            assertThat(handedOver.failed()).isTrue();
                            assertThat(pending.isAwaited(STOP.operationId())).isFalse();
                          }));
          afterTheDeadline(vertx, test, () -> assertThat(timedOut).isEmpty());
        });
  }

  @Test
  void anAnswerReadAfterTheDeadlineButWrittenBeforeItWins(Vertx vertx, VertxTestContext test) {
    Promise<Void> readThroughDeadline = Promise.promise();
    whileTheReadingLags(
        vertx,
        readThroughDeadline,
        pending -> {
          // The node's answer was on the topic at the deadline: it is read now, then the reading
          // passes the deadline.
          test.verify(
              () -> {
                assertThat(timedOut).isEmpty();
                assertThat(pending.answered(STOP.operationId())).contains(STOP);
              });
          readThroughDeadline.complete();
          afterTheDeadline(vertx, test, () -> assertThat(timedOut).isEmpty());
        });
  }

  @Test
  void theVerdictWaitsUntilTheAnswersAreReadThroughTheDeadline(Vertx vertx, VertxTestContext test) {
    Promise<Void> readThroughDeadline = Promise.promise();
    whileTheReadingLags(
        vertx,
        readThroughDeadline,
        pending -> {
          test.verify(() -> assertThat(timedOut).isEmpty());
          readThroughDeadline.complete();
          vertx.setTimer(
              TIMEOUT.toMillis() / 4,
              verdictGiven ->
                  test.verify(
                      () -> {
                        assertThat(timedOut).containsExactly(new TimedOut(STOP, true));
                        assertThat(pending.isAwaited(STOP.operationId())).isFalse();
                        test.completeNow();
                      }));
        });
  }

  /**
   * A stop handed over while the controller reads the status topic behind its writers: the reading
   * passes the deadline when {@code readThroughDeadline} completes; {@code pastTheDeadline} runs
   * half a timeout after the deadline, on the event loop.
   */
  private void whileTheReadingLags(
      Vertx vertx, Promise<Void> readThroughDeadline, Handler<PendingAnswers> pastTheDeadline) {
    vertx.runOnContext(
        ignored -> {
          PendingAnswers pending =
              new PendingAnswers(vertx, readThroughDeadline::future, this::timedOut);
          pending.handOver(STOP, TIMEOUT, Future::succeededFuture);
          vertx.setTimer(TIMEOUT.toMillis() * 3 / 2, late -> pastTheDeadline.handle(pending));
        });
  }

  @Test
  void theVerdictIsGivenWhenTheAnswersCannotBeReadWithinTheTimeout(
      Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          PendingAnswers pending =
              new PendingAnswers(vertx, () -> Promise.<Void>promise().future(), this::timedOut);
          pending.handOver(STOP, TIMEOUT, Future::succeededFuture);
          afterTheDeadline(
              vertx, test, () -> assertThat(timedOut).containsExactly(new TimedOut(STOP, true)));
        });
  }

  private void timedOut(Awaited awaited, boolean takenByKafka) {
    timedOut.add(new TimedOut(awaited, takenByKafka));
  }

  /** Checks, and ends the test, well after any deadline set by the test has passed. */
  private static void afterTheDeadline(
      Vertx vertx, VertxTestContext test, VertxTestContext.ExecutionBlock check) {
    vertx.setTimer(
        TIMEOUT.toMillis() * 3,
        later ->
            test.verify(
                () -> {
                  check.apply();
                  test.completeNow();
                }));
  }
}
