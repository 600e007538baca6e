package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKubernetes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A run's Traces on the run's real API server. */
@WithKubernetes
class TraceGroupIT {
  @Test
  void askingPatchesTheTraceWithoutReadingItFirst(KubernetesCluster cluster) {
    List<String> requests = new CopyOnWriteArrayList<>();
    Interceptor recorder =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            requests.add(request.method());
          }
        };
    try (KubernetesClient recorded =
        new KubernetesClientBuilder()
            .withConfig(cluster.client().getConfiguration())
            .withHttpClientBuilderConsumer(
                builder -> builder.addOrReplaceInterceptor("recorder", recorder))
            .build()) {
      String namespace = cluster.createNamespace("group");
      TraceGroup group = TraceGroup.create(recorded, namespace, null);
      TraceSpec spec = new TraceSpec();
      spec.setNode("node-1");
      spec.setGadget("execsnoop");
      spec.setRunMode(RunMode.MANUAL);
      String name = group.create(spec, Operation.START).getMetadata().getName();
      requests.clear();

      group.ask(name, Operation.STOP);

      assertThat(requests).containsExactly("PATCH");
      assertThat(
              cluster
                  .client()
                  .resources(Trace.class)
                  .inNamespace(namespace)
                  .withName(name)
                  .get()
                  .getMetadata()
                  .getAnnotations())
          .containsEntry(Trace.OPERATION_ANNOTATION, Operation.STOP.annotationValue());
      group.deleteAll();
    }
  }
}
