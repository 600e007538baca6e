package io.gadgetflow.cli.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.cli.monitoring.RoleHealth.State;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoleHealthTest {

  @Test
  void upOnlyWhileEveryRoleIsUp() {
    RoleHealth health = new RoleHealth();
    assertThat(health.isUp()).as("no role yet").isFalse();

    health.set("controller", State.STARTING);
    health.set("node", State.UP);
    assertThat(health.isUp()).isFalse();

    health.set("controller", State.UP);
    assertThat(health.isUp()).isTrue();

    health.stopping();
    assertThat(health.isUp()).isFalse();
    assertThat(health.roles())
        .isEqualTo(Map.of("controller", State.STOPPING, "node", State.STOPPING));
  }

  @Test
  void theLocalPlatformListensOnLoopbackOnly() {
    MonitoringConfig config = MonitoringConfig.fromEnvironment(Map.of());
    assertThat(config).isEqualTo(new MonitoringConfig("0.0.0.0", 8081));
    assertThat(config.forLocalPlatform().host()).isEqualTo("127.0.0.1");
    assertThat(
            MonitoringConfig.fromEnvironment(Map.of("GADGETFLOW_METRICS_PORT", "0"))
                .forLocalPlatform())
        .isEqualTo(new MonitoringConfig("127.0.0.1", 0));
  }
}
