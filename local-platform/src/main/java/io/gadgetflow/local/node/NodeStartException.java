package io.gadgetflow.local.node;

/** The local cluster's node could not start; the message says what to change. */
public class NodeStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NodeStartException(String message) {
    super(message);
  }

  public NodeStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
