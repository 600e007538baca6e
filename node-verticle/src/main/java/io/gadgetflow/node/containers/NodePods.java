package io.gadgetflow.node.containers;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the pods of this node to the {@link ContainerRegistry}: an informer on {@code
 * spec.nodeName=<node>}, all namespaces, which is all the node agent's role may read. When the API
 * server cannot be reached or refuses, the informer keeps retrying and the agent keeps running
 * unfiltered traces meanwhile.
 */
public final class NodePods implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodePods.class);

  private final SharedIndexInformer<Pod> informer;

  private NodePods(SharedIndexInformer<Pod> informer) {
    this.informer = informer;
  }

  /** Starts watching; returns at once, the registry learns the pods as they arrive. */
  public static NodePods start(
      KubernetesClient client, String nodeName, ContainerRegistry registry) {
    SharedIndexInformer<Pod> informer =
        client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            registry.podChanged(pod);
          }

          @Override
          public void onUpdate(Pod before, Pod after) {
            registry.podChanged(after);
          }

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            registry.podDeleted(pod);
          }
        });
    informer.exceptionHandler(
        (started, failure) -> {
          LOG.warn("Cannot read the pods of node {} (retrying): {}", nodeName, failure.toString());
          return true;
        });
    informer
        .start()
        .whenComplete(
            (listed, failure) -> {
              if (failure == null) {
                LOG.info("Pods of node {} listed", nodeName);
                registry.podsListed(informer.getStore().list());
              }
            });
    return new NodePods(informer);
  }

  @Override
  public void close() {
    informer.close();
  }
}
