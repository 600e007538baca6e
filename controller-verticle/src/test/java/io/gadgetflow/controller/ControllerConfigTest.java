package io.gadgetflow.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gadgetflow.controller.leader.LeaderElection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControllerConfigTest {
  private static ControllerConfig read(Map<String, String> env) {
    return ControllerConfig.fromEnvironment(env, "host-1");
  }

  @Test
  void theLeaseHoldsKubernetesDefaultsWhenToldNothing() {
    assertThat(read(Map.of()).leaseTiming())
        .isEqualTo(
            new LeaderElection.Timing(
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)));
  }

  @Test
  void theLeaseTimingIsReadFromTheEnvironment() {
    assertThat(
            read(Map.of(
                    "GADGETFLOW_LEASE_DURATION_SECONDS", "6",
                    "GADGETFLOW_LEASE_RENEW_DEADLINE_SECONDS", "4",
                    "GADGETFLOW_LEASE_RETRY_PERIOD_SECONDS", "1"))
                .leaseTiming())
        .isEqualTo(
            new LeaderElection.Timing(
                Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1)));
  }

  @Test
  void aRenewDeadlineNotShorterThanTheLeaseIsRefusedNamingTheVariables() {
    assertThatThrownBy(() -> read(Map.of("GADGETFLOW_LEASE_RENEW_DEADLINE_SECONDS", "15")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GADGETFLOW_LEASE_DURATION_SECONDS=15")
        .hasMessageContaining("GADGETFLOW_LEASE_RENEW_DEADLINE_SECONDS=15")
        .hasMessageContaining("must be shorter than the lease duration");
  }

  @Test
  void aRetryPeriodThatLeavesNoSecondTryWithinTheDeadlineIsRefused() {
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "GADGETFLOW_LEASE_RENEW_DEADLINE_SECONDS", "5",
                        "GADGETFLOW_LEASE_RETRY_PERIOD_SECONDS", "5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GADGETFLOW_LEASE_RETRY_PERIOD_SECONDS=5")
        .hasMessageContaining("times the retry period");
  }

  @Test
  void aRetryPeriodOfZeroIsRefused() {
    assertThatThrownBy(() -> read(Map.of("GADGETFLOW_LEASE_RETRY_PERIOD_SECONDS", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retry period must be positive");
  }

  @Test
  void aLeaseDurationThatIsNoNumberIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> read(Map.of("GADGETFLOW_LEASE_DURATION_SECONDS", "15s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "GADGETFLOW_LEASE_DURATION_SECONDS must be a whole number of seconds, not \"15s\"");
  }

  @Test
  void theCacheSyncTimeoutIsThirtySecondsOrWhatTheEnvironmentSays() {
    assertThat(read(Map.of()).cacheSyncTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(read(Map.of("GADGETFLOW_CACHE_SYNC_TIMEOUT_SECONDS", "90")).cacheSyncTimeout())
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void aCacheSyncTimeoutOfZeroIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> read(Map.of("GADGETFLOW_CACHE_SYNC_TIMEOUT_SECONDS", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("GADGETFLOW_CACHE_SYNC_TIMEOUT_SECONDS must be positive, not 0");
  }
}
