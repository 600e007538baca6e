package io.gadgetflow.e2e;

import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** The Traces kubectl gadget creates, as the API server has them. */
final class GadgetFlowTraces {
  private GadgetFlowTraces() {}

  /**
   * Returns once a Trace whose filter names {@code podname} is Started: the run's gadget is
   * attached on the node, so what happens from now on is traced.
   */
  static void awaitStarted(GadgetFlowCluster cluster, KubectlGadget run, String podname) {
    awaitStarted(
        cluster,
        run,
        trace ->
            trace.getSpec().getFilter() != null
                && podname.equals(trace.getSpec().getFilter().podname()));
  }

  /** Returns once a Trace that {@code which} accepts is Started. */
  static void awaitStarted(GadgetFlowCluster cluster, KubectlGadget run, Predicate<Trace> which) {
    try {
      cluster
          .client()
          .resources(Trace.class)
          .inNamespace(Trace.DEFAULT_NAMESPACE)
          .informOnCondition(
              traces ->
                  traces.stream()
                      .anyMatch(
                          trace ->
                              trace.getSpec() != null
                                  && which.test(trace)
                                  && trace.getStatus() != null
                                  && trace.getStatus().getState() == TraceState.STARTED))
          .get(90, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError(
          "the run's Trace was not Started; kubectl-gadget said:\n" + run.stderr(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
