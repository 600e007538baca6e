package io.gadgetflow.controller.identity;

import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.kafka.identity.StatusSignature;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Whether a status record was written by the node it names: signed ({@link StatusSignature}) with
 * the key the controller trusts for that node. Checked before anything else looks at the record.
 */
public final class NodeReportVerifier {
  /** No signature headers. */
  public static final String UNSIGNED = "unsigned";

  /** Signed with a key the controller does not trust for the node the report names. */
  public static final String UNKNOWN_KEY = "unknown-key";

  /** The signature does not match the record's value. */
  public static final String BAD_SIGNATURE = "bad-signature";

  private final TrustedNodeKeys keys;

  public NodeReportVerifier(TrustedNodeKeys keys) {
    this.keys = keys;
  }

  /**
   * Why the record whose value is {@code value} must be refused, or empty when its node signed it.
   */
  public Future<Optional<String>> refusal(
      NodeReport report, byte[] value, StatusSignature signature) {
    if (signature == null) {
      return Future.succeededFuture(Optional.of(UNSIGNED));
    }
    return keys.find(report.node(), signature.keyId())
        .map(
            key -> {
              if (key.isEmpty()) {
                return Optional.of(UNKNOWN_KEY);
              }
              return key.get().verifies(value, signature.mac())
                  ? Optional.empty()
                  : Optional.of(BAD_SIGNATURE);
            });
  }
}
