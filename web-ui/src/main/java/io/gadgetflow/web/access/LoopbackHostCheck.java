package io.gadgetflow.web.access;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * In local mode the server listens on loopback, and a request must also name a loopback host. A
 * page whose own host name an attacker pointed at 127.0.0.1 (DNS rebinding) is thereby refused
 * before its token is even looked at. Only exact names pass: {@code localhost}, {@code ::1}, and an
 * IPv4 literal of 127.0.0.0/8; a name that merely begins like one ({@code 127.attacker.example}) is
 * a DNS name anyone can point anywhere.
 */
public final class LoopbackHostCheck {
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "[::1]", "::1");
  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

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
    if (name != null && (LOOPBACK_NAMES.contains(name) || IPV4_LOOPBACK.matcher(name).matches())) {
      return Optional.empty();
    }
    return Optional.of(
        "Host "
            + authority
            + " is refused: in local mode the dashboard answers only on localhost or 127.0.0.1");
  }
}
