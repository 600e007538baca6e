package io.gadgetflow.bench.fleet;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * What the API server alone takes of the writes a start costs, on this machine, in the same run:
 * Traces created, their status patched and an annotation patched (the three writes a Trace needs
 * before it shows Started), as many at once as kubectl gadget and the controller send them, in a
 * namespace no controller watches, so nothing else writes them. Each phase has a time bound; the
 * Traces are deleted afterwards (they have no finalizer).
 */
final class ApiServerBaseline {
  static final String NAMESPACE = "fleet-baseline";
  private static final String LABEL = "gadgetflow.io/fleet-baseline";
  private static final Duration PHASE_BOUND = Duration.ofSeconds(30);

  /** kubectl gadget's creations at once ({@code GadgetRun.PARALLEL_CREATES}). */
  private static final int GADGET_CREATES = 16;

  /** The controller's threads for fabric8 calls ({@code ControllerVerticle}). */
  private static final int CONTROLLER_WORKERS = 32;

  /** One phase: writes done, how long they took, each one's latency. */
  record Phase(String what, int parallel, int writes, double seconds, Samples latency) {
    double perSecond() {
      return writes / seconds;
    }

    @Override
    public String toString() {
      return "%s, %d at once: %d in %.1f s, %.0f/s; each %s"
          .formatted(what, parallel, writes, seconds, perSecond(), latency);
    }
  }

  private final KubernetesClient client;

  ApiServerBaseline(KubernetesClient client) {
    this.client = client;
  }

  /** {@code count} Traces through create, status patch and annotation patch, then deleted. */
  List<Phase> measure(int count) throws Exception {
    if (client.namespaces().withName(NAMESPACE).get() == null) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .create();
    }
    List<Phase> phases = new ArrayList<>();
    List<Trace> created = new ArrayList<>();
    phases.add(
        phase(
            "create",
            GADGET_CREATES,
            count,
            i -> {
              Trace trace = client.resource(trace(i)).create();
              synchronized (created) {
                created.add(trace);
              }
              return trace;
            }));
    List<Trace> traces = List.copyOf(created);
    phases.add(
        phase(
            "status patch",
            CONTROLLER_WORKERS,
            traces.size(),
            i -> patchStatus(traces.get(i), "{\"state\":\"Started\",\"events\":" + i + "}")));
    // The same again, four times as many at once: whether more requests in flight get more done.
    phases.add(
        phase(
            "status patch",
            CONTROLLER_WORKERS * 4,
            traces.size(),
            i -> patchStatus(traces.get(i), "{\"events\":" + (count + i) + "}")));
    phases.add(
        phase(
            "annotation patch",
            CONTROLLER_WORKERS,
            traces.size(),
            i ->
                client
                    .resources(Trace.class)
                    .inNamespace(NAMESPACE)
                    .resource(traces.get(i))
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"annotations\":{\"" + LABEL + "\":\"taken\"}}}")));
    client.resources(Trace.class).inNamespace(NAMESPACE).withLabel(LABEL).delete();
    return phases;
  }

  private Phase phase(String what, int parallel, int count, Function<Integer, Trace> write)
      throws Exception {
    Samples latency = new Samples();
    long deadline = System.nanoTime() + PHASE_BOUND.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    long start = System.nanoTime();
    try {
      List<Future<Boolean>> writes = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        writes.add(
            pool.submit(
                () -> {
                  if (System.nanoTime() > deadline) {
                    return false;
                  }
                  long begun = System.nanoTime();
                  write.apply(index);
                  latency.add((System.nanoTime() - begun) / 1000);
                  return true;
                }));
      }
      int done = 0;
      for (Future<Boolean> written : writes) {
        if (written.get()) {
          done++;
        }
      }
      return new Phase(what, parallel, done, (System.nanoTime() - start) / 1e9, latency);
    } finally {
      pool.shutdownNow();
    }
  }

  private Trace patchStatus(Trace trace, String status) {
    return client
        .resources(Trace.class)
        .inNamespace(NAMESPACE)
        .resource(trace)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":" + status + "}");
  }

  private static Trace trace(int i) {
    TraceSpec spec = new TraceSpec();
    spec.setNode("fleet-node-" + i);
    spec.setGadget("execsnoop");
    spec.setRunMode(RunMode.MANUAL);
    spec.setOutputMode(OutputMode.STREAM);
    Trace trace = new Trace();
    trace.setMetadata(
        new ObjectMetaBuilder()
            .withGenerateName("baseline-")
            .withNamespace(NAMESPACE)
            .addToLabels(LABEL, "true")
            .addToAnnotations(Trace.OPERATION_ANNOTATION, "start")
            .build());
    trace.setSpec(spec);
    return trace;
  }
}
