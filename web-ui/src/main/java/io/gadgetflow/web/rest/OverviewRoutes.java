package io.gadgetflow.web.rest;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.web.access.Caller;
import io.gadgetflow.web.access.TraceAccess;
import io.gadgetflow.web.live.NodeDirectory;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** What the dashboard needs before anything else: who the user is, the gadgets, the nodes. */
final class OverviewRoutes {
  private final RequestAccess access;
  private final NodeDirectory nodes;

  OverviewRoutes(RequestAccess access, NodeDirectory nodes) {
    this.access = access;
    this.nodes = nodes;
  }

  void mount(Router router) {
    router.get("/api/v1/whoami").handler(this::whoami);
    router.get("/api/v1/catalog").handler(this::catalog);
    router.get("/api/v1/nodes").handler(this::nodes);
  }

  private void whoami(RoutingContext ctx) {
    Caller caller = RequestAccess.caller(ctx);
    Responses.encoded(
        ctx,
        200,
        Map.of(
            "username", caller.username(),
            "groups", caller.groups(),
            "localMode", access.isLocal(),
            "defaultNamespace", Trace.DEFAULT_NAMESPACE));
  }

  /** The catalogue is public knowledge about GadgetFlow itself: any authenticated user reads it. */
  private void catalog(RoutingContext ctx) {
    Responses.encoded(
        ctx,
        200,
        Map.of("gadgets", GadgetCatalog.all(), "commonEventFields", CommonEventFields.FIELDS));
  }

  /**
   * Node names are what Traces in a namespace already show in {@code spec.node}, so whoever may
   * list Traces there (by default in namespace {@code gadget}) may list the nodes.
   */
  private void nodes(RoutingContext ctx) {
    String asked = ctx.queryParams().get("namespace");
    String namespace =
        KubernetesNames.requireNamespace(asked == null ? Trace.DEFAULT_NAMESPACE : asked);
    access
        .allow(ctx, TraceAccess.onAll(TraceAccess.LIST, namespace))
        .onSuccess(v -> Responses.encoded(ctx, 200, Map.of("items", nodes.nodes())))
        .onFailure(ctx::fail);
  }
}
