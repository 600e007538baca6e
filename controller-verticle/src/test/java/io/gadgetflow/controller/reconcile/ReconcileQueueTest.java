package io.gadgetflow.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ReconcileQueueTest {
  private static final String KEY = "gadget/trace";

  /** Each reconcile's outcome, completed by the test. */
  private final List<Promise<Void>> passes = new ArrayList<>();

  private ReconcileQueue queue(Vertx vertx) {
    return new ReconcileQueue(
        vertx,
        key -> {
          Promise<Void> pass = Promise.promise();
          passes.add(pass);
          return pass.future();
        });
  }

  @Test
  void aChangeDuringAFailedReconcileIsReconciledAtOnce(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          ReconcileQueue queue = queue(vertx);
          queue.enqueue(KEY);
          queue.enqueue(KEY);
          passes.getFirst().fail("stale patch");
          test.verify(() -> assertThat(passes).hasSize(2));
          test.completeNow();
        });
  }

  @Test
  void aFailureWithoutChangeIsRetriedLater(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          ReconcileQueue queue = queue(vertx);
          queue.enqueue(KEY);
          passes.getFirst().fail("API server unavailable");
          test.verify(() -> assertThat(passes).hasSize(1));
          vertx.setPeriodic(
              10,
              timer -> {
                if (passes.size() == 2) {
                  vertx.cancelTimer(timer);
                  test.completeNow();
                }
              });
        });
  }

  @Test
  void aSecondFailureAfterAChangeWaits(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          ReconcileQueue queue = queue(vertx);
          queue.enqueue(KEY);
          queue.enqueue(KEY);
          passes.getFirst().fail("stale patch");
          queue.enqueue(KEY);
          passes.get(1).fail("stale patch again");
          test.verify(() -> assertThat(passes).hasSize(2));
          test.completeNow();
        });
  }

  @Test
  void oneTraceIsNeverReconciledTwiceAtOnce(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          ReconcileQueue queue = queue(vertx);
          queue.enqueue(KEY);
          queue.enqueue(KEY);
          queue.enqueue(KEY);
          test.verify(() -> assertThat(passes).hasSize(1));
          passes.getFirst().complete();
          test.verify(() -> assertThat(passes).hasSize(2));
          passes.get(1).complete();
          test.verify(() -> assertThat(passes).hasSize(2));
          test.completeNow();
        });
  }

  @Test
  void nothingRunsAfterStop(Vertx vertx, VertxTestContext test) {
    vertx.runOnContext(
        ignored -> {
          ReconcileQueue queue = queue(vertx);
          queue.stop();
          queue.enqueue(KEY);
          test.verify(() -> assertThat(passes).isEmpty());
          test.completeNow();
        });
  }
}
