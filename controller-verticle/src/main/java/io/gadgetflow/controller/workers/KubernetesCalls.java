package io.gadgetflow.controller.workers;

import io.gadgetflow.api.kube.CallDeadline;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * Runs the controller's blocking fabric8 calls on its Kubernetes workers, in parallel and each
 * within a deadline ({@link CallDeadline}). Every write the controller makes is guarded (a JSON
 * patch {@code test} or a resourceVersion), so one that lands after its caller gave up on it cannot
 * undo a later one; a cut call is retried as after any failed call.
 */
public final class KubernetesCalls {
  private final WorkerExecutor workers;
  private final CallDeadline deadline;

  public KubernetesCalls(WorkerExecutor workers, CallDeadline deadline) {
    this.workers = workers;
    this.deadline = deadline;
  }

  /**
   * Runs {@code call} on a worker, in parallel with other calls.
   *
   * @param what names the call in the error and log when the deadline passes
   */
  public <T> Future<T> run(String what, Callable<T> call) {
    return workers.executeBlocking(deadline.bounded(what, call), false);
  }
}
