package io.gadgetflow.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.kube.CallDeadline;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.controller.status.StatusWrites;
import io.gadgetflow.controller.workers.KubernetesCalls;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKubernetes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Status writes that race another writer of the same Trace, against the real API server. */
@WithKubernetes
class StatusWritesIT {
  KubernetesClient client;
  String namespace;
  Vertx vertx;
  WorkerExecutor workers;
  TraceRepository repository;

  @BeforeEach
  void setUp(KubernetesCluster cluster) {
    client = cluster.client();
    namespace = cluster.createNamespace("status-writes");
    vertx = Vertx.vertx();
    workers = vertx.createSharedWorkerExecutor("status-writes-it", 2);
    repository =
        new TraceRepository(
            client, new KubernetesCalls(workers, new CallDeadline(CallDeadline.KUBERNETES)));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWriteOverAnOlderVersionIsRefusedWithAConflict() throws Exception {
    Trace stale = create("refused");
    await(repository.replaceStatus(stale, warned("first")));

    Throwable failure =
        await(
            repository
                .replaceStatus(stale, warned("second"))
                .map(t -> (Throwable) null)
                .otherwise(e -> e));

    assertThat(TraceRepository.isConflict(failure)).as(String.valueOf(failure)).isTrue();
    assertThat(read("refused").getStatus().getOperationWarning()).isEqualTo("first");
  }

  @Test
  void aWriteThatLostTheRaceKeepsTheOtherWritersChangeAndItsOwn() throws Exception {
    Trace stale = create("race");
    // Somebody else writes the status after the controller read the Trace.
    await(repository.replaceStatus(stale, warned("theirs")));
    TraceStatus stopped = new TraceStatus();
    stopped.setState(TraceState.STOPPED);
    stopped.setEvents(42L);

    StatusWrites writes = new StatusWrites(repository::replaceStatus, repository::read, vertx);
    Trace written =
        await(
            Future.<Trace>future(
                promise ->
                    vertx.runOnContext(go -> writes.write(stale, stopped).onComplete(promise))));

    TraceStatus status = read("race").getStatus();
    assertThat(written).isNotNull();
    assertThat(status.getState()).isEqualTo(TraceState.STOPPED);
    assertThat(status.getEvents()).isEqualTo(42L);
    assertThat(status.getOperationWarning()).isEqualTo("theirs");
  }

  private Trace create(String name) {
    Trace trace = new Trace();
    trace.getMetadata().setName(name);
    trace.getMetadata().setNamespace(namespace);
    TraceSpec spec = new TraceSpec();
    spec.setNode("node-1");
    spec.setGadget("execsnoop");
    spec.setRunMode(RunMode.MANUAL);
    spec.setOutputMode(OutputMode.STREAM);
    trace.setSpec(spec);
    return client.resources(Trace.class).inNamespace(namespace).resource(trace).create();
  }

  private Trace read(String name) {
    return client.resources(Trace.class).inNamespace(namespace).withName(name).get();
  }

  private static TraceStatus warned(String warning) {
    TraceStatus status = new TraceStatus();
    status.setOperationWarning(warning);
    return status;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
