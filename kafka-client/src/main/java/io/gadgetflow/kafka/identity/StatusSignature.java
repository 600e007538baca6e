package io.gadgetflow.kafka.identity;

import java.nio.charset.StandardCharsets;

/**
 * What a node agent adds to each record of {@code gadget.status}, as two Kafka headers: the id of
 * the key it used and the MAC of the record's value with it. The value itself is unchanged, so
 * readers that know nothing of the headers read it as before.
 *
 * @param keyId {@link NodeKey#id()} of the key that made {@code mac}
 * @param mac HMAC-SHA256 of the record's value
 */
public record StatusSignature(String keyId, byte[] mac) {
  public static final String KEY_ID_HEADER = "gadgetflow_key_id";
  public static final String MAC_HEADER = "gadgetflow_hmac_sha256";

  /** The signature of {@code value} with {@code key}. */
  public static StatusSignature of(NodeKey key, byte[] value) {
    return new StatusSignature(key.id(), key.sign(value));
  }

  /** The signature the two headers' values make, or null when either is missing. */
  public static StatusSignature fromHeaders(byte[] keyIdHeader, byte[] macHeader) {
    if (keyIdHeader == null || macHeader == null) {
      return null;
    }
    return new StatusSignature(new String(keyIdHeader, StandardCharsets.UTF_8), macHeader);
  }

  public byte[] keyIdHeader() {
    return keyId.getBytes(StandardCharsets.UTF_8);
  }
}
