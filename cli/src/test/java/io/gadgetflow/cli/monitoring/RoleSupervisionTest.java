package io.gadgetflow.cli.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.cli.monitoring.RoleHealth.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoleSupervisionTest {
  private final RoleHealth health = new RoleHealth();
  private final List<String> told = new ArrayList<>();
  private final List<Integer> exits = new ArrayList<>();
  private final Supervision supervision = new Supervision();
  private final Supervision.Supervised role = () -> supervision;

  @Test
  void aRoleThatLostAPartIsDownWithTheReasonAndTheProcessExitsNonZero() {
    health.set("node", State.UP);
    health.set("web", State.UP);
    RoleSupervision.watch("node", role, health, told::add, exits::add);
    assertThat(health.isUp()).isTrue();

    supervision.died("gadgetflow-ring-execsnoop", new IllegalStateException("ring unmapped"));

    assertThat(health.isUp()).isFalse();
    assertThat(health.roles()).containsEntry("node", State.FAILED).containsEntry("web", State.UP);
    assertThat(health.reasons())
        .isEqualTo(
            Map.of(
                "node",
                "gadgetflow-ring-execsnoop died: java.lang.IllegalStateException: ring unmapped"));
    assertThat(told).singleElement().asString().contains("node failed", "ring unmapped");
    assertThat(exits).containsExactly(RoleSupervision.EXIT_PART_DIED);
  }

  @Test
  void onlyTheFirstDeathIsToldAndStoppingKeepsTheFailureShown() {
    RoleSupervision.watch("web", role, health, told::add, exits::add);

    supervision.died("gadgetflow-web-live-feed", new OutOfMemoryError("heap"));
    supervision.died("gadgetflow-web-live-feed", new IllegalStateException("later"));
    health.stopping();

    assertThat(exits).hasSize(1);
    assertThat(health.roles()).containsEntry("web", State.FAILED);
    assertThat(health.reasons().get("web")).contains("heap");
  }

  @Test
  void aPartThatEndsOnceTheRoleBeganStoppingIsNoFailure() {
    health.set("node", State.UP);
    RoleSupervision.watch("node", role, health, told::add, exits::add);

    supervision.stopping();
    supervision.died(
        "gadgetflow-event-sender",
        new IllegalStateException("Cannot perform operation after producer has been closed"));

    assertThat(supervision.failure()).isEmpty();
    assertThat(health.roles()).containsEntry("node", State.UP);
    assertThat(told).isEmpty();
    assertThat(exits).isEmpty();
  }

  @Test
  void aRoleWithoutPartsOfItsOwnIsNotWatched() {
    RoleSupervision.watch("plain", new Object(), health, told::add, exits::add);

    assertThat(told).isEmpty();
  }
}
