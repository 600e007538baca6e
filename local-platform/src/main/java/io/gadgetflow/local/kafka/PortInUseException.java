package io.gadgetflow.local.kafka;

/** The port the broker should listen on is taken, typically by another Kafka. */
public final class PortInUseException extends KafkaStartException {
  private static final long serialVersionUID = 1L;

  private final int port;

  PortInUseException(String host, int port, Throwable cause) {
    super(
        "Kafka cannot listen on "
            + host
            + ":"
            + port
            + ": port "
            + port
            + " is already in use; stop what listens there or choose another port",
        cause);
    this.port = port;
  }

  public int port() {
    return port;
  }
}
