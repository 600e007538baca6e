package io.gadgetflow.web.rest;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.web.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every failed API request with JSON: {@code {"status": 400, "error": "gadget: unknown
 * gadget ...", "field": "gadget"}}. Refusals the web UI decides carry their own status; the API
 * server's answers to the web UI's own calls keep theirs where they concern the request (not found,
 * conflict, invalid), and anything else says the cluster is the problem. Internal exception text
 * (class names, the web UI's own identity, addresses) goes to the log, never into an answer.
 */
final class ApiFailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ApiFailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status;
    String field = null;
    String message;
    if (failure instanceof ApiException refused) {
      status = refused.status();
      field = refused.field();
      message = refused.getMessage();
    } else if (failure instanceof KubernetesClientException kubernetes) {
      status = statusFor(kubernetes.getCode());
      message =
          status >= 500
              ? "The Kubernetes API did not serve the web UI's request; its log has the details"
              : "Kubernetes API: " + reason(kubernetes);
      if (status >= 500) {
        LOG.warn(
            "{} {} failed at the Kubernetes API: {}",
            ctx.request().method(),
            ctx.normalizedPath(),
            kubernetes.toString());
      }
    } else if (failure instanceof TimeoutException cut) {
      // A call to the API server cut at its deadline (CallDeadline): the cluster, not the user.
      status = 503;
      message =
          "The Kubernetes API did not answer the web UI's request in time; its log has the details";
      LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.normalizedPath(), cut.getMessage());
    } else if (failure == null) {
      status = ctx.statusCode();
      message = status == 413 ? "Request body too large" : "Request failed";
    } else {
      status = 500;
      message = "Internal error; the web UI's log has the details";
      LOG.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), failure);
    }
    // A refused websocket upgrade was left unread; reading it lets the connection serve again.
    if (!ctx.request().isEnded()) {
      ctx.request().resume();
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    JsonObject body = new JsonObject().put("status", status).put("error", message);
    if (field != null) {
      body.put("field", field);
    }
    Responses.json(ctx, status, body.encode());
  }

  private static int statusFor(int kubernetesCode) {
    return switch (kubernetesCode) {
      case 404, 409 -> kubernetesCode;
      case 400, 422 -> 400;
      // The web UI's own identity was refused, or the API server is unwell: not the user's fault.
      default -> 503;
    };
  }

  private static String reason(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }
}
