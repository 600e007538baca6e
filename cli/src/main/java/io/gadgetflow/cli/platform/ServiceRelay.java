package io.gadgetflow.cli.platform;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.local.LoopbackPorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback port that forwards each connection to a ready pod of a Service, found in the Service's
 * EndpointSlices when the connection opens: what a service proxy would do for the Service's port,
 * for one Service, from this machine only. The local cluster runs no kube-proxy; this keeps the
 * dashboard's address the same when its pod is replaced.
 */
final class ServiceRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceRelay.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String service;
  private final String portName;
  private final ServerSocket server;

  private ServiceRelay(
      KubernetesClient client,
      String namespace,
      String service,
      String portName,
      ServerSocket server) {
    this.client = client;
    this.namespace = namespace;
    this.service = service;
    this.portName = portName;
    this.server = server;
  }

  /**
   * Listens on {@code 127.0.0.1:port} (0: a free port) for the Service port {@code portName} of
   * {@code namespace/service}.
   *
   * @throws PlatformException when the port is taken
   */
  static ServiceRelay start(
      KubernetesClient client, String namespace, String service, String portName, int port) {
    ServerSocket server;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(LoopbackPorts.HOST), port));
    } catch (IOException e) {
      throw new PlatformException(
          "Cannot listen on "
              + LoopbackPorts.HOST
              + ":"
              + port
              + " for the dashboard: "
              + e.getMessage()
              + "; choose another port with --dashboard-port",
          e);
    }
    ServiceRelay relay = new ServiceRelay(client, namespace, service, portName, server);
    Thread.ofPlatform().name("relay-" + service).daemon().start(relay::accept);
    return relay;
  }

  /** {@code http://127.0.0.1:<port>} */
  String url() {
    return "http://" + LoopbackPorts.HOST + ":" + server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket connection = server.accept();
        Thread.ofVirtual().start(() -> forward(connection));
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.warn("The relay to {}/{} stopped accepting: {}", namespace, service, e.toString());
        }
        return;
      }
    }
  }

  private void forward(Socket connection) {
    try (connection) {
      Optional<InetSocketAddress> target = readyEndpoint();
      if (target.isEmpty()) {
        refuse(connection);
        return;
      }
      try (Socket pod = new Socket()) {
        pod.connect(target.get());
        Thread upstream = Thread.ofVirtual().start(() -> copy(connection, pod));
        copy(pod, connection);
        upstream.join();
      }
    } catch (IOException e) {
      LOG.debug("A relayed connection to {}/{} failed: {}", namespace, service, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Copies until the source ends, then ends the destination's output, as a proxy would. */
  private static void copy(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      in.transferTo(out);
      to.shutdownOutput();
    } catch (IOException e) {
      // The other side closed; the other direction ends with it.
    }
  }

  private Optional<InetSocketAddress> readyEndpoint() {
    try {
      for (EndpointSlice slice :
          client
              .discovery()
              .v1()
              .endpointSlices()
              .inNamespace(namespace)
              .withLabel("kubernetes.io/service-name", service)
              .list()
              .getItems()) {
        Optional<Integer> port =
            Optional.ofNullable(slice.getPorts()).stream()
                .flatMap(java.util.List::stream)
                .filter(candidate -> Objects.equals(candidate.getName(), portName))
                .map(EndpointPort::getPort)
                .filter(Objects::nonNull)
                .findFirst();
        if (port.isEmpty() || slice.getEndpoints() == null) {
          continue;
        }
        for (Endpoint endpoint : slice.getEndpoints()) {
          boolean ready =
              endpoint.getConditions() == null
                  || !Boolean.FALSE.equals(endpoint.getConditions().getReady());
          if (ready && endpoint.getAddresses() != null && !endpoint.getAddresses().isEmpty()) {
            return Optional.of(
                new InetSocketAddress(endpoint.getAddresses().getFirst(), port.get()));
          }
        }
      }
    } catch (KubernetesClientException e) {
      LOG.warn("Cannot read the endpoints of {}/{}: {}", namespace, service, e.getMessage());
    }
    return Optional.empty();
  }

  private void refuse(Socket connection) throws IOException {
    String body = "Service " + namespace + "/" + service + " has no ready pod right now.\n";
    connection
        .getOutputStream()
        .write(
            ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: "
                    + body.length()
                    + "\r\nConnection: close\r\n\r\n"
                    + body)
                .getBytes(StandardCharsets.UTF_8));
  }
}
