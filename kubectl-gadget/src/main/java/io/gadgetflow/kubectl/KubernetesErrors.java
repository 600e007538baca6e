package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;

/** The part of a Kubernetes client error that tells a user what went wrong. */
final class KubernetesErrors {
  private KubernetesErrors() {}

  /**
   * The API server's own message when it answered, else what stopped the request: the innermost
   * cause that says something, or that the connection timed out or was refused. A connect timeout
   * is told first: the JDK's carries a {@link ConnectException}, and a busy API server reported as
   * refusing sent users looking for one that is down.
   */
  static String reason(KubernetesClientException e) {
    Status status = e.getStatus();
    if (status != null && status.getMessage() != null && !status.getMessage().isBlank()) {
      return status.getMessage();
    }
    String reason = e.getMessage();
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof HttpConnectTimeoutException) {
        return "connection timed out";
      }
      if (cause instanceof ConnectException) {
        return "connection refused";
      }
      if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
        reason = cause.getMessage();
      }
    }
    return reason == null ? e.getClass().getSimpleName() : reason;
  }
}
