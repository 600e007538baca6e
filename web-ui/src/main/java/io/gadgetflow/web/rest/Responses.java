package io.gadgetflow.web.rest;

import io.gadgetflow.api.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** Writes API answers. */
final class Responses {
  private Responses() {}

  static void json(RoutingContext ctx, int status, String json) {
    send(ctx, status, Buffer.buffer(json));
  }

  /** {@code value} encoded the way every GadgetFlow record is ({@link Json}). */
  static void encoded(RoutingContext ctx, int status, Object value) {
    send(ctx, status, Buffer.buffer(Json.encode(value)));
  }

  private static void send(RoutingContext ctx, int status, Buffer body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body);
  }
}
