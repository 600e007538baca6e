package io.gadgetflow.web.access;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Finds the bearer token of a request: in the {@code Authorization} header, or, for browsers'
 * websockets which cannot set headers, in the {@code Sec-WebSocket-Protocol} list encoded the way
 * the Kubernetes API server accepts it ({@code base64url.bearer.authorization.k8s.io.<token>}).
 */
public final class BearerToken {
  /** The subprotocol the server speaks on its websockets; clients list it beside the token. */
  public static final String EVENTS_SUBPROTOCOL = "gadgetflow.events.v1";

  static final String TOKEN_SUBPROTOCOL_PREFIX = "base64url.bearer.authorization.k8s.io.";
  private static final String BEARER = "Bearer ";
  private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";

  private BearerToken() {}

  public static Optional<String> of(HttpServerRequest request) {
    return of(
        request.getHeader(HttpHeaders.AUTHORIZATION), request.getHeader(SEC_WEBSOCKET_PROTOCOL));
  }

  /**
   * @param authorization the {@code Authorization} header, or null
   * @param protocols the {@code Sec-WebSocket-Protocol} header, or null
   */
  static Optional<String> of(String authorization, String protocols) {
    if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.of(authorization.substring(BEARER.length()).strip())
          .filter(t -> !t.isEmpty());
    }
    if (protocols == null) {
      return Optional.empty();
    }
    return Arrays.stream(protocols.split(","))
        .map(String::strip)
        .filter(p -> p.startsWith(TOKEN_SUBPROTOCOL_PREFIX))
        .findFirst()
        .flatMap(p -> decode(p.substring(TOKEN_SUBPROTOCOL_PREFIX.length())));
  }

  private static Optional<String> decode(String encoded) {
    try {
      return Optional.of(new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8))
          .filter(t -> !t.isEmpty());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
