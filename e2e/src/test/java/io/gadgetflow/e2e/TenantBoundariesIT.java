package io.gadgetflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.dsl.Resource;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A tenant's Traces on the real cluster, as k8s/install's controller judges them: a Trace outside
 * the platform's namespace sees only its own namespace's pods and writes no object outside it. Each
 * refusal is an operationError on the Trace, beside a tenant Trace that runs.
 */
@WithGadgetFlowCluster
@Order(35)
class TenantBoundariesIT {
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  static Workloads tenant;

  @BeforeAll
  static void tenantNamespace(GadgetFlowCluster cluster) {
    tenant = Workloads.inNewNamespace(cluster, "e2e-tenant");
  }

  /** Deleted as users delete them: the controller lets each go once its node let go of it. */
  @AfterAll
  static void deleteTheTraces(GadgetFlowCluster cluster) throws Exception {
    var traces = cluster.client().resources(Trace.class).inNamespace(tenant.namespace());
    traces.delete();
    traces.informOnCondition(List::isEmpty).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void aTenantsTraceOfItsOwnPodsRuns(GadgetFlowCluster cluster) {
    start(cluster, "own-pods", "execsnoop", "Stream", "");

    await(cluster, "own-pods", trace -> state(trace) == TraceState.STARTED, "Started");
  }

  @Test
  void aTenantsTraceThatSelectsAnotherNamespaceIsRefused(GadgetFlowCluster cluster) {
    start(cluster, "other-namespace", "execsnoop", "Stream", "filter:\n  namespace: kube-system");

    Trace refused = awaitError(cluster, "other-namespace");
    assertThat(refused.getStatus().getOperationError())
        .startsWith(
            "Filter namespace \"kube-system\" is outside namespace \"" + tenant.namespace());
    assertThat(refused.getStatus().getState()).isNotEqualTo(TraceState.STARTED);
  }

  @Test
  void aTenantsTraceOfAGadgetThatSeesTheWholeNodeIsRefused(GadgetFlowCluster cluster) {
    start(cluster, "whole-node", "biolatency", "Status", "");

    assertThat(awaitError(cluster, "whole-node").getStatus().getOperationError())
        .contains("sees the whole node");
  }

  @Test
  void aTenantsExternalResourceInAnotherNamespaceIsRefused(GadgetFlowCluster cluster) {
    start(cluster, "elsewhere", "seccomp", "ExternalResource", "output: kube-system/taken");

    assertThat(awaitError(cluster, "elsewhere").getStatus().getOperationError())
        .startsWith("Output \"kube-system/taken\" is outside namespace \"" + tenant.namespace());
  }

  /** Creates a Trace on the cluster's node in the tenant's namespace, annotated to start. */
  private static void start(
      GadgetFlowCluster cluster, String name, String gadget, String outputMode, String extraSpec) {
    cluster
        .kubernetes()
        .kubectlWithInput(
            """
            apiVersion: gadget.kinvolk.io/v1alpha1
            kind: Trace
            metadata:
              name: %s
              annotations:
                %s: start
            spec:
              node: %s
              gadget: %s
              runMode: Manual
              outputMode: %s
            %s"""
                .formatted(
                    name,
                    Trace.OPERATION_ANNOTATION,
                    cluster.nodeName(),
                    gadget,
                    outputMode,
                    extraSpec.indent(2)),
            "apply",
            "-n",
            tenant.namespace(),
            "-f",
            "-")
        .requireSuccess();
  }

  private static Trace awaitError(GadgetFlowCluster cluster, String name) {
    return await(
        cluster,
        name,
        trace -> trace.getStatus() != null && trace.getStatus().getOperationError() != null,
        "an operationError");
  }

  private static Trace await(
      GadgetFlowCluster cluster, String name, Predicate<Trace> condition, String what) {
    Resource<Trace> trace =
        cluster.client().resources(Trace.class).inNamespace(tenant.namespace()).withName(name);
    try {
      return trace
          .informOnCondition(traces -> !traces.isEmpty() && condition.test(traces.getFirst()))
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          .getFirst();
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError(
          "Trace %s/%s got no %s within %s: %s"
              .formatted(tenant.namespace(), name, what, TIMEOUT, trace.get()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static TraceState state(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }
}
