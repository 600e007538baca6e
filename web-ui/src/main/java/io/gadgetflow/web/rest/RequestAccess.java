package io.gadgetflow.web.rest;

import io.gadgetflow.web.access.Authenticator;
import io.gadgetflow.web.access.Authorizer;
import io.gadgetflow.web.access.BearerToken;
import io.gadgetflow.web.access.Caller;
import io.gadgetflow.web.access.LoopbackHostCheck;
import io.gadgetflow.web.access.TraceAccess;
import io.gadgetflow.web.http.ApiException;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Who may do what, for every API request: the handler it gives identifies the caller before any
 * route runs (401 otherwise), and routes ask {@link #allow} before they read, stream or act (403
 * otherwise).
 */
final class RequestAccess {
  private static final String CALLER = "gadgetflow.caller";

  private final Authenticator authenticator;
  private final Authorizer authorizer;

  RequestAccess(Authenticator authenticator, Authorizer authorizer) {
    this.authenticator = authenticator;
    this.authorizer = authorizer;
  }

  /** Identifies the caller of every request, or fails it. */
  void authenticate(RoutingContext ctx) {
    if (ctx.request().canUpgradeToWebSocket()) {
      // The upgrade comes after asynchronous checks; until then the request must stay unread.
      ctx.request().pause();
    }
    if (authenticator.isLocal()) {
      Optional<String> refusal = LoopbackHostCheck.refusal(ctx.request());
      if (refusal.isPresent()) {
        ctx.fail(ApiException.forbidden(refusal.get()));
        return;
      }
    }
    authenticator
        .authenticate(BearerToken.of(ctx.request()))
        .onSuccess(
            caller -> {
              ctx.put(CALLER, caller);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  static Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  boolean isLocal() {
    return authenticator.isLocal();
  }

  Future<Void> allow(RoutingContext ctx, TraceAccess access) {
    return authorizer.authorize(caller(ctx), access);
  }
}
