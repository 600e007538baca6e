package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import org.junit.jupiter.api.Test;

class KubernetesErrorsTest {

  @Test
  void aConnectTimeoutIsToldAsOneNotAsARefusal() {
    // As the JDK's HTTP client throws it: the timeout carries a ConnectException.
    HttpConnectTimeoutException timeout = new HttpConnectTimeoutException("HTTP connect timed out");
    timeout.initCause(new ConnectException("HTTP connect timed out"));

    assertThat(KubernetesErrors.reason(new KubernetesClientException("request failed", timeout)))
        .isEqualTo("connection timed out");
  }

  @Test
  void aRefusedConnectionIsToldAsRefused() {
    assertThat(
            KubernetesErrors.reason(
                new KubernetesClientException(
                    "request failed", new ConnectException("Connection refused"))))
        .isEqualTo("connection refused");
  }

  @Test
  void otherwiseTheInnermostCauseThatSaysSomethingIsTold() {
    assertThat(
            KubernetesErrors.reason(
                new KubernetesClientException(
                    "request failed",
                    new IllegalStateException("outer", new IllegalArgumentException("inner")))))
        .isEqualTo("inner");
  }
}
