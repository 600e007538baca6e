package io.gadgetflow.bench.statusmac;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.kafka.identity.NodeKey;
import io.gadgetflow.kafka.identity.StatusSignature;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Microseconds per status record for the controller's check that its node wrote it (HMAC-SHA256,
 * {@link NodeKey#verifies}), against an Ed25519 verification of the same value and the JSON
 * decoding of the report. Three rounds each, interleaved, so that a busy machine slows all alike;
 * compare the ratios.
 */
public final class StatusMacBench {
  private StatusMacBench() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    NodeReport report =
        new NodeReport(
                "worker-17.example.internal",
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString(),
                TraceState.STARTED,
                null,
                null,
                null,
                new EventCounters(1_234_567, 89),
                Instant.now())
            .withNewerCounters(new EventCounters(1_234_999, 90), Instant.now());
    byte[] value = Json.encode(report);
    NodeKey key = NodeKey.generate(report.node());
    StatusSignature mac = StatusSignature.of(key, value);
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(pair.getPrivate());
    signer.update(value);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("Ed25519");
    System.out.printf("node report value: %d bytes%n", value.length);
    for (int round = 1; round <= 3; round++) {
      report(round, "hmac-sha256 verify", time(seconds, () -> key.verifies(value, mac.mac())));
      report(
          round,
          "ed25519 verify",
          time(
              seconds,
              () -> {
                try {
                  verifier.initVerify(pair.getPublic());
                  verifier.update(value);
                  return verifier.verify(signature);
                } catch (GeneralSecurityException e) {
                  throw new IllegalStateException(e);
                }
              }));
      report(
          round,
          "json decode of the report",
          time(seconds, () -> Json.decode(value, NodeReport.class) != null));
    }
  }

  private static void report(int round, String what, double micros) {
    System.out.printf("round %d  %-28s %8.2f us/record%n", round, what, micros);
  }

  /** Microseconds per call of {@code check}, which must answer true, over about {@code seconds}. */
  private static double time(double seconds, BooleanSupplier check) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long calls = 0;
    long start = System.nanoTime();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < 100; i++) {
        if (!check.getAsBoolean()) {
          throw new IllegalStateException("the check failed");
        }
      }
      calls += 100;
    }
    return (System.nanoTime() - start) / 1e3 / calls;
  }
}
