package io.gadgetflow.bench.fleet;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;

/**
 * The bench's watch, in a process of its own on the control plane's side (a user's {@code kubectl
 * get --watch}, not a node): the Traces' states as the API server shows them ({@link
 * TraceTimeline}), the nodes' reports ({@link StatusLag}) and the control records ({@link
 * ControlSent}), said as marks on its standard output ({@link WatchMarks}) until its standard input
 * closes. In the agents' JVM, which {@code FLEET_CONTROL_PLANE_CPUS} caps, it saw Traces up to a
 * minute late (run G), and every start and lag figure with it.
 *
 * <p>Arguments: the brokers, the status topic, the control topic, the Traces' namespace; the API
 * server from KUBECONFIG.
 */
public final class FleetWatch {
  /** Printed once the watch follows the Traces and both topics. */
  static final String READY = "fleet-watch ready";

  private FleetWatch() {}

  public static void main(String[] args) throws Exception {
    WatchMarks.Sayer marks = new WatchMarks.Sayer();
    KafkaClients clients = new KafkaClients(args[0], KafkaSecurity.PLAINTEXT);
    try (KubernetesClient client = new KubernetesClientBuilder().build();
        StatusLag lag = new StatusLag(clients, args[1], marks);
        ControlSent control = new ControlSent(clients, args[2], marks);
        TraceTimeline timeline = new TraceTimeline(client, args[3], lag, marks)) {
      marks.sayAfterMarks(READY);
      FleetController.awaitStdinClosed();
    }
  }
}
