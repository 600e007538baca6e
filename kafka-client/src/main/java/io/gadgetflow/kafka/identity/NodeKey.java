package io.gadgetflow.kafka.identity;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A node agent's secret, bound to its node's name, with which it authenticates the records it
 * writes to {@code gadget.status}: HMAC-SHA256 of the record's value. Only the node and the
 * controller hold it, so a status record that verifies was written by that node, whatever Kafka
 * credential carried it (docs/security.md says why a MAC and not a signature).
 */
public final class NodeKey {
  /** The MAC and the key's length, in bytes. */
  public static final int BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String node;
  private final SecretKeySpec secret;
  private final String id;

  private NodeKey(String node, byte[] secret) {
    if (node == null || node.isBlank()) {
      throw new IllegalArgumentException("A node key needs the node's name");
    }
    if (secret == null || secret.length != BYTES) {
      throw new IllegalArgumentException(
          "A node key is %d bytes, not %d".formatted(BYTES, secret == null ? 0 : secret.length));
    }
    this.node = node;
    this.secret = new SecretKeySpec(secret, ALGORITHM);
    this.id = idOf(secret);
  }

  /** A new random key for {@code node}. */
  public static NodeKey generate(String node) {
    byte[] secret = new byte[BYTES];
    RANDOM.nextBytes(secret);
    return new NodeKey(node, secret);
  }

  /** The key of {@code node} whose secret is {@code base64} (as {@link #encoded()} gives it). */
  public static NodeKey decode(String node, String base64) {
    try {
      return new NodeKey(node, Base64.getDecoder().decode(base64.strip()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "The key of node \"%s\" is not %d bytes in base64: %s"
              .formatted(node, BYTES, e.getMessage()));
    }
  }

  public String node() {
    return node;
  }

  /**
   * Names the key without revealing it: the first 8 bytes of its SHA-256, in hex. A record carries
   * it so that the controller tells a key it does not know yet from a wrong MAC.
   */
  public String id() {
    return id;
  }

  /** The secret in base64, for the key file and the registration record. */
  public String encoded() {
    return Base64.getEncoder().encodeToString(secret.getEncoded());
  }

  /** The MAC of {@code value}. */
  public byte[] sign(byte[] value) {
    return mac().doFinal(value);
  }

  /** Whether {@code mac} is this key's MAC of {@code value}; compares in constant time. */
  public boolean verifies(byte[] value, byte[] mac) {
    return mac != null && MessageDigest.isEqual(sign(value), mac);
  }

  private Mac mac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(secret);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK lacks " + ALGORITHM, e);
    }
  }

  private static String idOf(byte[] secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret);
      return HexFormat.of().formatHex(Arrays.copyOf(digest, 8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK lacks SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "NodeKey[node=" + node + ", id=" + id + "]";
  }
}
