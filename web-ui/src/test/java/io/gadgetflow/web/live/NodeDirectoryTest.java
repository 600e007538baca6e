package io.gadgetflow.web.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.web.live.NodeDirectory.AgentNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeDirectoryTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void nodesThatReportedWithinTheWindowAndConfiguredOnesAreKnown() {
    NodeDirectory nodes =
        new NodeDirectory(List.of("laptop"), Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));
    nodes.reported("node-b", NOW.minusSeconds(30));
    nodes.reported("node-b", NOW.minusSeconds(90));
    nodes.reported("node-a", NOW.minus(Duration.ofHours(2)));

    assertThat(nodes.nodes())
        .containsExactly(
            new AgentNode("laptop", null, true),
            new AgentNode("node-b", NOW.minusSeconds(30), false));
    assertThat(nodes.names()).containsExactly("laptop", "node-b");
  }
}
