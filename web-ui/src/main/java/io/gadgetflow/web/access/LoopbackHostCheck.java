package io.gadgetflow.web.access;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.util.Optional;
import java.util.Set;

/**
 * In local mode the server listens on loopback, and a request must also name a loopback host. A
 * page whose own host name an attacker pointed at 127.0.0.1 (DNS rebinding) is thereby refused
 * before its token is even looked at.
 */
public final class LoopbackHostCheck {
  private static final Set<String> LOOPBACK_NAMES =
      Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  private LoopbackHostCheck() {}

  /** Why the request's host is refused, or empty when it names this machine's loopback. */
  public static Optional<String> refusal(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    return refusal(authority == null ? null : authority.host(), String.valueOf(authority));
  }

  /**
   * @param host the host the request names, or null
   * @param authority host and port as the request gave them, for the message
   */
  static Optional<String> refusal(String host, String authority) {
    String name = host == null ? null : host.toLowerCase();
    if (name != null && (LOOPBACK_NAMES.contains(name) || name.startsWith("127."))) {
      return Optional.empty();
    }
    return Optional.of(
        "Host "
            + authority
            + " is refused: in local mode the dashboard answers only on localhost or 127.0.0.1");
  }
}
