package io.gadgetflow.api.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class CallDeadlineTest {
  private static final Duration DEADLINE = Duration.ofMillis(200);

  private final CallDeadline deadline = new CallDeadline(DEADLINE);

  /**
   * Waits as fabric8 waits for a response its HTTP client never completes, and ends as fabric8 ends
   * when interrupted: with the thread's interrupt status set again.
   */
  private static String responseThatNeverComes() throws Exception {
    try {
      return new CompletableFuture<String>().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aCallThatNeverReturnsFailsAtItsDeadline() {
    assertThatThrownBy(
            () ->
                deadline
                    .bounded("patch of Trace gadget/hung", CallDeadlineTest::responseThatNeverComes)
                    .call())
        .isInstanceOf(TimeoutException.class)
        .hasMessage("patch of Trace gadget/hung did not return within 200 ms")
        .hasRootCauseInstanceOf(InterruptedException.class);
  }

  @Test
  void theThreadOfACutCallRunsTheNextCallUninterrupted() throws Exception {
    assertThatThrownBy(
            () -> deadline.bounded("hung call", CallDeadlineTest::responseThatNeverComes).call())
        .isInstanceOf(TimeoutException.class);

    boolean interrupted =
        deadline
            .bounded(
                "next call",
                () -> {
                  Thread.sleep(DEADLINE.toMillis() / 4);
                  return Thread.currentThread().isInterrupted();
                })
            .call();

    assertThat(interrupted).isFalse();
  }

  @Test
  void aCallThatEndsInTimeIsNotInterruptedLater() throws Exception {
    deadline.bounded("quick call", () -> "done").call();

    Thread.sleep(DEADLINE.toMillis() * 2);

    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void aCallThatFailsOnItsOwnKeepsItsFailure() {
    assertThatThrownBy(
            () ->
                deadline
                    .bounded(
                        "read of Trace gadget/gone",
                        () -> {
                          throw new IllegalStateException("422 Unprocessable Entity");
                        })
                    .call())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("422 Unprocessable Entity");
  }

  @Test
  void aCallWithinItsDeadlineReturnsItsResult() throws Exception {
    assertThat(deadline.bounded("read of Trace gadget/here", () -> "trace").call())
        .isEqualTo("trace");
  }
}
