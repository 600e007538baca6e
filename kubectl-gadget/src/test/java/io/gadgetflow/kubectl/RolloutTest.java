package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;

class RolloutTest {
  static Deployment deployment(long generation, Long observed, int updated, int available) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("controller")
        .withGeneration(generation)
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(observed)
        .withUpdatedReplicas(updated)
        .withAvailableReplicas(available)
        .endStatus()
        .build();
  }

  static DaemonSet daemonSet(long generation, Long observed, int desired, int available) {
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName("node")
        .withGeneration(generation)
        .endMetadata()
        .withNewStatus()
        .withObservedGeneration(observed)
        .withDesiredNumberScheduled(desired)
        .withUpdatedNumberScheduled(desired)
        .withNumberAvailable(available)
        .endStatus()
        .build();
  }

  @Test
  void aDeploymentIsRolledOutWhenEveryReplicaOfItsLatestGenerationIsAvailable() {
    assertThat(Rollout.notReady(deployment(3, 3L, 2, 2))).isEmpty();
    assertThat(Rollout.notReady(deployment(3, 3L, 2, 1)))
        .contains("2 of 2 replicas updated, 1 available");
    assertThat(Rollout.notReady(deployment(3, 2L, 2, 2)))
        .contains("its controller has not seen it yet");
    assertThat(Rollout.notReady(deployment(3, null, 0, 0)))
        .contains("its controller has not seen it yet");
  }

  @Test
  void aDaemonSetIsRolledOutWhenItRunsOnEveryNodeItIsScheduledTo() {
    assertThat(Rollout.notReady(daemonSet(1, 1L, 3, 3))).isEmpty();
    assertThat(Rollout.notReady(daemonSet(1, 1L, 3, 2)))
        .contains("3 of 3 nodes updated, 2 available");
  }

  @Test
  void onlyWorkloadsAreWaitedFor() {
    assertThat(Rollout.isWorkload(deployment(1, 1L, 2, 2))).isTrue();
    assertThat(Rollout.isWorkload(daemonSet(1, 1L, 1, 1))).isTrue();
    assertThat(Rollout.isWorkload(new ConfigMapBuilder().build())).isFalse();
    assertThat(Rollout.notReady(new ConfigMapBuilder().build())).isEmpty();
    assertThat(Rollout.notReady(null)).contains("not there");
  }
}
