package io.gadgetflow.web.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret of local mode: made at start, printed once inside the dashboard URL, and required on
 * every request. Whoever can read what {@code gadgetflow up} printed is the person who started it;
 * another user of the machine, or a web page the browser happens to show, is not.
 */
public final class LocalToken {
  private static final int BYTES = 32;

  private final String value;

  private LocalToken(String value) {
    this.value = value;
  }

  public static LocalToken random() {
    byte[] bytes = new byte[BYTES];
    new SecureRandom().nextBytes(bytes);
    return new LocalToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  public String value() {
    return value;
  }

  /** Compares in constant time, so response timing tells nothing about the token. */
  public boolean matches(String presented) {
    return MessageDigest.isEqual(
        value.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "LocalToken[hidden]";
  }
}
