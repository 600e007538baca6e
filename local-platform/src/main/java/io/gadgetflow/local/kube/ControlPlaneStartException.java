package io.gadgetflow.local.kube;

/** The local control plane could not start; the message says what to change. */
public class ControlPlaneStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ControlPlaneStartException(String message) {
    super(message);
  }

  public ControlPlaneStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
