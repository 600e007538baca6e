package io.gadgetflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebConfigTest {
  @Test
  void nothingSetGivesAClusterServerOnAllInterfaces() {
    WebConfig config = WebConfig.fromEnvironment(Map.of());

    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.localMode()).isFalse();
    assertThat(config.allowedOrigins()).isEmpty();
    assertThat(config.topics().events()).isEqualTo("gadget.events");
    assertThat(config.replayEvents()).isEqualTo(300);
    assertThat(config.nodeWindow()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void everyVariableIsRead() {
    WebConfig config =
        WebConfig.fromEnvironment(
            Map.of(
                "GADGETFLOW_WEB_LOCAL_MODE", "true",
                "GADGETFLOW_WEB_PORT", "9090",
                "GADGETFLOW_WEB_ALLOWED_ORIGINS", "https://a.example, https://b.example",
                "GADGETFLOW_WEB_KNOWN_NODES", "n1,n2",
                "GADGETFLOW_WEB_REPLAY_EVENTS", "50",
                "GADGETFLOW_WEB_SOCKET_QUEUE_EVENTS", "64",
                "GADGETFLOW_WEB_NODE_WINDOW_SECONDS", "60",
                "GADGETFLOW_TOPIC_EVENTS", "events"));

    assertThat(config.localMode()).isTrue();
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(9090);
    assertThat(config.allowedOrigins()).containsExactly("https://a.example", "https://b.example");
    assertThat(config.knownNodes()).containsExactly("n1", "n2");
    assertThat(config.replayEvents()).isEqualTo(50);
    assertThat(config.socketQueueEvents()).isEqualTo(64);
    assertThat(config.nodeWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.topics().events()).isEqualTo("events");
  }

  @Test
  void malformedValuesNameTheirVariable() {
    assertThatThrownBy(
            () -> WebConfig.fromEnvironment(Map.of("GADGETFLOW_WEB_LOCAL_MODE", "maybe")))
        .hasMessageContaining("GADGETFLOW_WEB_LOCAL_MODE");
    assertThatThrownBy(
            () -> WebConfig.fromEnvironment(Map.of("GADGETFLOW_WEB_REPLAY_EVENTS", "5000")))
        .hasMessageContaining("GADGETFLOW_WEB_REPLAY_EVENTS");
  }

  @Test
  void theLocalPlatformRunsItOnLoopbackKnowingItsOwnNode() {
    WebConfig config = WebConfig.fromEnvironment(Map.of()).forLocalPlatform("laptop");

    assertThat(config.localMode()).isTrue();
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.knownNodes()).isEqualTo(List.of("laptop"));
  }
}
