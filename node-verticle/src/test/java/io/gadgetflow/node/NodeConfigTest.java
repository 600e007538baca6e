package io.gadgetflow.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gadgetflow.node.kafka.EventForm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
  @Test
  void knowsItsContainersThroughTheUsualKubernetesConfigurationByDefault() {
    NodeConfig config = NodeConfig.fromEnvironment(Map.of(), "host-1");

    assertThat(config.containerAwareness()).isTrue();
    assertThat(config.kubeconfig()).isNull();
    assertThat(config.containerGracePeriod()).isEqualTo(NodeConfig.DEFAULT_CONTAINER_GRACE_PERIOD);
  }

  @Test
  void readsHowToReachKubernetesAndTheGracePeriod() {
    NodeConfig config =
        NodeConfig.fromEnvironment(
            Map.of(
                "GADGETFLOW_KUBECONFIG", "/etc/gadgetflow/kubeconfig",
                "GADGETFLOW_CONTAINER_GRACE_PERIOD_SECONDS", "5"),
            "host-1");

    assertThat(config.kubeconfig()).isEqualTo(Path.of("/etc/gadgetflow/kubeconfig"));
    assertThat(config.containerGracePeriod()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void containerAwarenessCanBeTurnedOff() {
    assertThat(
            NodeConfig.fromEnvironment(Map.of("GADGETFLOW_CONTAINER_AWARENESS", "false"), "h")
                .containerAwareness())
        .isFalse();
  }

  @Test
  void aContainerAwarenessThatIsNotABooleanIsRefusedByName() {
    assertThatThrownBy(
            () -> NodeConfig.fromEnvironment(Map.of("GADGETFLOW_CONTAINER_AWARENESS", "yes"), "h"))
        .hasMessage("GADGETFLOW_CONTAINER_AWARENESS must be true or false, not \"yes\"");
  }

  @Test
  void boundsTheEventQueueInBytesAndRefusesTheOldCountByName() {
    assertThat(NodeConfig.fromEnvironment(Map.of(), "h").eventQueueBytes())
        .isEqualTo(32 * 1024 * 1024);
    assertThat(
            NodeConfig.fromEnvironment(Map.of("GADGETFLOW_EVENT_QUEUE_BYTES", "1048576"), "h")
                .eventQueueBytes())
        .isEqualTo(1_048_576);
    assertThatThrownBy(
            () -> NodeConfig.fromEnvironment(Map.of("GADGETFLOW_EVENT_QUEUE_CAPACITY", "100"), "h"))
        .hasMessageContaining("GADGETFLOW_EVENT_QUEUE_BYTES");
  }

  @Test
  void writesOneRecordPerEventUnlessToldToBatch() {
    assertThat(NodeConfig.fromEnvironment(Map.of(), "h").eventForm()).isEqualTo(EventForm.RECORD);
    assertThat(
            NodeConfig.fromEnvironment(Map.of("GADGETFLOW_EVENT_FORM", "batch"), "h").eventForm())
        .isEqualTo(EventForm.BATCH);
    assertThatThrownBy(
            () -> NodeConfig.fromEnvironment(Map.of("GADGETFLOW_EVENT_FORM", "batches"), "h"))
        .hasMessage("GADGETFLOW_EVENT_FORM must be record or batch, not \"batches\"");
  }
}
