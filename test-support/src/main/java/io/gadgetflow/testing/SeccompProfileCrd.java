package io.gadgetflow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The security-profiles-operator's SeccompProfile CRD, reduced to what tests need, for an API
 * server that has no such operator: where the seccomp advisor's profiles are written.
 */
public final class SeccompProfileCrd {
  public static final String NAME = "seccompprofiles.security-profiles-operator.x-k8s.io";

  private SeccompProfileCrd() {}

  /** Applies it (idempotent) and waits until the API server serves it. */
  public static void install(KubernetesCluster cluster) {
    String crd;
    try (InputStream in = SeccompProfileCrd.class.getResourceAsStream("seccompprofile-crd.yaml")) {
      crd = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cluster.kubectlWithInput(crd, "apply", "-f", "-").requireSuccess();
    cluster
        .kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/" + NAME)
        .requireSuccess();
  }
}
