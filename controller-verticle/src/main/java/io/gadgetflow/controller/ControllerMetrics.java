package io.gadgetflow.controller;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The controller's meters.
 *
 * <ul>
 *   <li>{@code gadgetflow_controller_reconcile_seconds{outcome="success|failure"}}: one pass of the
 *       reconcile chain over one Trace (a failed pass is retried, and counted again)
 *   <li>{@code gadgetflow_controller_acting}: 1 while this replica holds the Lease and acts
 *   <li>{@code
 *       gadgetflow_controller_reports_refused_total{reason="not-its-node|operation-not-handed-over"}}:
 *       node reports that were not applied, because they came from another node than the Trace's or
 *       answered an operation that was not handed to it
 * </ul>
 */
final class ControllerMetrics {
  private static final Duration[] RECONCILE_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5)
  };

  private final MeterRegistry registry;
  private final Timer succeeded;
  private final Timer failed;

  ControllerMetrics(MeterRegistry registry, BooleanSupplier acting) {
    this.registry = registry;
    this.succeeded = reconcileTimer("success");
    this.failed = reconcileTimer("failure");
    Gauge.builder("gadgetflow.controller.acting", () -> acting.getAsBoolean() ? 1 : 0)
        .description("1 while this replica holds the Lease and acts on Traces")
        .register(registry);
  }

  /** Counts a node report the controller refused to apply. */
  void reportRefused(String reason) {
    Counter.builder("gadgetflow.controller.reports.refused")
        .description(
            "Node reports not applied: not signed by the node they name, from another node than"
                + " the Trace's, or for an operation not handed over")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** Counts a node agent's key registration the controller refused to trust. */
  void registrationRefused(String reason) {
    Counter.builder("gadgetflow.controller.registrations.refused")
        .description(
            "Node key registrations not trusted: a token the API server did not vouch for, of"
                + " another service account, or from a pod on another node")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  Timer.Sample startReconcile() {
    return Timer.start(registry);
  }

  void reconciled(Timer.Sample sample, boolean success) {
    sample.stop(success ? succeeded : failed);
  }

  private Timer reconcileTimer(String outcome) {
    return Timer.builder("gadgetflow.controller.reconcile")
        .description("One pass of the reconcile chain over one Trace")
        .tag("outcome", outcome)
        .serviceLevelObjectives(RECONCILE_BUCKETS)
        .register(registry);
  }
}
