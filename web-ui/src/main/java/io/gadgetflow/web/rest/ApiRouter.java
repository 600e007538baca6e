package io.gadgetflow.web.rest;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gadgetflow.web.access.Authenticator;
import io.gadgetflow.web.access.Authorizer;
import io.gadgetflow.web.access.OriginCheck;
import io.gadgetflow.web.http.ApiException;
import io.gadgetflow.web.kube.TraceStore;
import io.gadgetflow.web.live.EventReplay;
import io.gadgetflow.web.live.LiveFeed;
import io.gadgetflow.web.live.NodeDirectory;
import io.gadgetflow.web.live.WebSocketClients;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web UI's HTTP surface: the dashboard's files, and under {@code /api/v1} the REST and
 * websocket API, every request of which is authenticated first and answered in JSON.
 */
public final class ApiRouter {
  private static final long MAX_BODY_BYTES = 64 * 1024;
  private static final String WEBROOT = "webroot";

  /** Script, styles and connections from this origin only; no frames, no inline code. */
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
          + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private ApiRouter() {}

  public static Router create(
      Vertx vertx,
      OriginCheck originCheck,
      EventSocketLimits socketLimits,
      Authenticator authenticator,
      Authorizer authorizer,
      TraceStore store,
      NodeDirectory nodes,
      EventReplay replay,
      LiveFeed feed,
      WebSocketClients clients,
      KubernetesSerialization serialization) {
    RequestAccess access = new RequestAccess(authenticator, authorizer);
    Router router = Router.router(vertx);
    router
        .route()
        .handler(
            ctx -> {
              ctx.response()
                  .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                  .putHeader("X-Content-Type-Options", "nosniff")
                  .putHeader("Referrer-Policy", "no-referrer");
              ctx.next();
            });
    // Bodies are read first, so that checks which wait for the API server find them complete.
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.route("/api/*").handler(access::authenticate);
    new OverviewRoutes(access, nodes).mount(router);
    new TraceRoutes(store, access, nodes, serialization).mount(router);
    new EventSocketRoute(vertx, socketLimits, store, access, originCheck, replay, feed, clients)
        .mount(router);
    router
        .route("/api/*")
        .handler(
            ctx ->
                ctx.fail(
                    ApiException.notFound(
                        "No API " + ctx.request().method() + " " + ctx.normalizedPath())));
    router.route("/api/*").failureHandler(new ApiFailureHandler());
    // The page is small and changes with every release: browsers revalidate it each time.
    router.route().handler(StaticHandler.create(WEBROOT).setMaxAgeSeconds(0));
    return router;
  }
}
