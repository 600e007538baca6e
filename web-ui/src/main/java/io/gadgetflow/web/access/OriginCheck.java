package io.gadgetflow.web.access;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether the page that opens a websocket may. Browsers send no CORS preflight for
 * websockets and always send {@code Origin}, so a page from another site could otherwise open one;
 * with the token in hand it could read a user's events. Clients that are not browsers send no
 * {@code Origin} and are judged by their token alone.
 */
public final class OriginCheck {
  private final List<String> allowedOrigins;

  /**
   * @param allowedOrigins e.g. {@code https://gadgets.example.com}; empty means the origin the
   *     request was sent to (the dashboard's own page)
   */
  public OriginCheck(List<String> allowedOrigins) {
    this.allowedOrigins = allowedOrigins.stream().map(OriginCheck::normalise).toList();
  }

  /** Why the request's page may not open a websocket here, or empty when it may. */
  public Optional<String> refusal(HttpServerRequest request) {
    String scheme = request.isSSL() ? "https" : "http";
    return refusal(request.getHeader(HttpHeaders.ORIGIN), scheme + "://" + request.authority());
  }

  /**
   * @param origin the request's {@code Origin} header, or null
   * @param ownOrigin the origin the request was sent to, e.g. {@code http://localhost:8080}
   */
  Optional<String> refusal(String origin, String ownOrigin) {
    if (origin == null) {
      return Optional.empty();
    }
    String normalised = normalise(origin);
    boolean allowed =
        allowedOrigins.isEmpty()
            ? normalised.equals(normalise(ownOrigin))
            : allowedOrigins.contains(normalised);
    return allowed
        ? Optional.empty()
        : Optional.of("Origin " + origin + " may not open websockets on this server");
  }

  private static String normalise(String origin) {
    String lower = origin.strip().toLowerCase();
    return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
