package io.gadgetflow.web.rest;

import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.web.access.OriginCheck;
import io.gadgetflow.web.access.TraceAccess;
import io.gadgetflow.web.http.ApiException;
import io.gadgetflow.web.kube.TraceStore;
import io.gadgetflow.web.live.EventReplay;
import io.gadgetflow.web.live.EventSocket;
import io.gadgetflow.web.live.LiveFeed;
import io.gadgetflow.web.live.WatchedTrace;
import io.gadgetflow.web.live.WebSocketClients;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code GET .../traces/<name>/events} upgraded to a websocket: one trace's events, the last few
 * replayed first, then live. Everything is checked before the upgrade, so a refused client gets an
 * ordinary HTTP error: the page's origin, the caller's token, their right to {@code get} the Trace,
 * and that the Trace exists, and that the caller holds fewer event websockets than one user may
 * (429 otherwise).
 *
 * <p>Query parameters: {@code replay} (how many earlier events, 0 to {@value
 * EventSocketLimits#MAX_REPLAY_EVENTS}) and {@code since} (RFC 3339 time; replay only events from
 * then on; default the Trace's creation).
 */
final class EventSocketRoute {
  private final Vertx vertx;
  private final EventSocketLimits limits;
  private final TraceStore store;
  private final RequestAccess access;
  private final OriginCheck originCheck;
  private final EventReplay replay;
  private final LiveFeed feed;
  private final WebSocketClients clients;
  private final UserSockets userSockets;

  EventSocketRoute(
      Vertx vertx,
      EventSocketLimits limits,
      TraceStore store,
      RequestAccess access,
      OriginCheck originCheck,
      EventReplay replay,
      LiveFeed feed,
      WebSocketClients clients) {
    this.clients = clients;
    this.feed = feed;
    this.vertx = vertx;
    this.limits = limits;
    this.store = store;
    this.access = access;
    this.originCheck = originCheck;
    this.replay = replay;
    this.userSockets = new UserSockets(limits.socketsPerUser());
  }

  void mount(Router router) {
    router.get(TraceRoutes.TRACE + "/events").handler(this::connect);
  }

  private void connect(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!request.canUpgradeToWebSocket()) {
      throw ApiException.badRequest("This endpoint is a websocket: connect with Upgrade");
    }
    originCheck
        .refusal(request)
        .ifPresent(
            why -> {
              throw ApiException.forbidden(why);
            });
    String namespace = KubernetesNames.requireNamespace(ctx.pathParam("namespace"));
    String name = KubernetesNames.requireTraceName(ctx.pathParam("name"));
    int count = replayCount(ctx.queryParams().get("replay"));
    Instant askedSince = since(ctx.queryParams().get("since"));
    Runnable releaseSlot = userSockets.take(RequestAccess.caller(ctx).username());
    access
        .allow(ctx, TraceAccess.onOne(TraceAccess.GET, namespace, name))
        .compose(v -> store.get(namespace, name))
        .compose(
            trace ->
                request
                    .toWebSocket()
                    .map(socket -> open(socket, trace, count, askedSince, releaseSlot)))
        .onFailure(
            e -> {
              releaseSlot.run();
              if (!ctx.response().headWritten()) {
                ctx.fail(e);
              }
            });
  }

  private EventSocket open(
      ServerWebSocket socket, Trace trace, int count, Instant askedSince, Runnable releaseSlot) {
    String uid = trace.getMetadata().getUid();
    Instant since =
        askedSince != null ? askedSince : Instant.parse(trace.getMetadata().getCreationTimestamp());
    WatchedTrace watched =
        new WatchedTrace(
            trace.getMetadata().getNamespace(),
            trace.getMetadata().getName(),
            uid,
            trace.getSpec().getGadget(),
            trace.getSpec().getNode());
    return EventSocket.open(
        vertx,
        socket,
        watched,
        limits.queueEvents(),
        count,
        // The feed reads the trace's partition from before the replay looks where it ends, so
        // every event is replayed or live.
        () -> feed.watch(uid).compose(v -> replay.lastEvents(uid, since, count)),
        () -> {
          releaseSlot.run();
          feed.unwatch(uid);
        },
        clients);
  }

  private int replayCount(String value) {
    if (value == null) {
      return limits.replayEvents();
    }
    try {
      int count = Integer.parseInt(value.strip());
      if (count >= 0 && count <= EventSocketLimits.MAX_REPLAY_EVENTS) {
        return count;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.invalid(
        "replay", "must be a whole number from 0 to " + EventSocketLimits.MAX_REPLAY_EVENTS);
  }

  private static Instant since(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw ApiException.invalid("since", "must be an RFC 3339 time such as 2026-11-25T10:15:30Z");
    }
  }
}
