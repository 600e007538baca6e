package io.gadgetflow.controller;

import static io.gadgetflow.controller.Harness.TIMEOUT;
import static io.gadgetflow.controller.Harness.hasOperationAnnotation;
import static io.gadgetflow.controller.Harness.runTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.controller.reconcile.TracePolicy;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.SeccompProfileCrd;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a Trace may reach beyond its namespace, with the default policy (only {@code gadget} is
 * node-wide), against the real API server, broker and this machine's node agent (which runs without
 * access to pods here, as on a node where container filters cannot apply): a tenant's Trace is
 * refused when its filter names another namespace or its gadget sees the whole node, and is handed
 * to its node with its own namespace as filter when it has none, which this agent refuses instead
 * of tracing the host; a Trace in {@code gadget} still traces the whole node; an ExternalResource
 * goes only into the Trace's own namespace and never over an object GadgetFlow did not make.
 */
@WithKafka
@WithKubernetes
class TraceBoundariesIT {
  private static final ResourceDefinitionContext SECCOMP_PROFILES =
      new ResourceDefinitionContext.Builder()
          .withGroup("security-profiles-operator.x-k8s.io")
          .withVersion("v1beta1")
          .withKind("SeccompProfile")
          .withPlural("seccompprofiles")
          .withNamespaced(true)
          .build();

  private KubernetesCluster cluster;
  private KafkaBroker kafka;
  private Harness platform;
  private String node;

  @BeforeEach
  void prepare(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    this.cluster = cluster;
    this.kafka = kafka;
    node = InetAddress.getLocalHost().getHostName();
    SeccompProfileCrd.install(cluster);
  }

  @AfterEach
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  private void deploy(String namespace, TracePolicy policy) {
    platform = new Harness(cluster, kafka, namespace);
    platform.policy = policy;
    platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node);
  }

  @Test
  void aTenantsTraceThatAsksForAnotherNamespaceOrTheWholeNodeIsRefused() {
    deploy(cluster.createNamespace("tenant"), TracePolicy.DEFAULTS);
    String other = unique("filter");
    platform
        .apply(
            platform.manifest(
                other, node, "execsnoop", "Manual", "Stream", "filter:\n  namespace: kube-system"))
        .requireSuccess();
    platform.annotate(other, "start");
    Trace refused =
        platform.awaitTrace(
            other,
            t ->
                t.getStatus() != null
                    && t.getStatus().getOperationError() != null
                    && t.getStatus().getOperationError().contains("outside namespace"));
    assertThat(refused.getStatus().getOperationError())
        .startsWith(
            "Filter namespace \"kube-system\" is outside namespace \"" + platform.namespace);
    assertThat(hasOperationAnnotation(refused)).as("nothing was handed to the node").isTrue();

    String wholeNode = unique("biolatency");
    platform
        .apply(platform.manifest(wholeNode, node, "biolatency", "Manual", "Status", ""))
        .requireSuccess();
    platform.annotate(wholeNode, "start");
    platform.awaitTrace(
        wholeNode,
        t ->
            t.getStatus() != null
                && t.getStatus().getOperationError() != null
                && t.getStatus().getOperationError().contains("sees the whole node"));
  }

  @Test
  void aTenantsTraceWithoutAFilterIsHandedOverWithItsOwnNamespaceAndNeverTracesTheHost()
      throws Exception {
    deploy(cluster.createNamespace("tenant"), TracePolicy.DEFAULTS);
    String name = unique("exec");
    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
    platform.annotate(name, "start");

    Trace answered =
        platform.awaitTrace(
            name,
            t ->
                !hasOperationAnnotation(t)
                    && t.getStatus() != null
                    && t.getStatus().getOperationError() != null);
    assertThat(answered.getStatus().getOperationError())
        .startsWith("Container filters need access to the pods of node");
    String uid = answered.getMetadata().getUid();
    ControlRecord handedOver =
        Json.decode(
            kafka
                .consumeMatching(platform.topics.control(), r -> r.key().equals(uid), 1, TIMEOUT)
                .getFirst()
                .value()
                .getBytes(StandardCharsets.UTF_8),
            ControlRecord.class);
    assertThat(handedOver.filter().namespaces()).containsExactly(platform.namespace);
    assertThat(kafka.recordCount(platform.topics.events())).as("events of the host").isZero();
  }

  @Test
  void aTraceInTheNodeWideNamespaceStillTracesTheWholeNode() throws Exception {
    deploy(Trace.DEFAULT_NAMESPACE, TracePolicy.DEFAULTS);
    String name = unique("exec");
    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
    platform.annotate(name, "start");
    Trace started =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    String marker = "gadgetflow-boundaries-" + UUID.randomUUID();
    runTrue(marker);
    assertThat(
            kafka.consumeMatching(
                platform.topics.events(),
                r -> r.key().equals(started.getMetadata().getUid()) && r.value().contains(marker),
                1,
                TIMEOUT))
        .hasSize(1);
    platform.annotate(name, "stop");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
  }

  @Test
  void anExternalResourceInAnotherNamespaceIsRefused() {
    deploy(cluster.createNamespace("tenant"), TracePolicy.DEFAULTS);
    String name = unique("advisor");
    platform
        .apply(
            platform.manifest(
                name, node, "seccomp", "Manual", "ExternalResource", "output: kube-system/taken"))
        .requireSuccess();
    platform.annotate(name, "start");
    platform.awaitOperationError(
        name,
        "Output \"kube-system/taken\" is outside namespace \""
            + platform.namespace
            + "\": a Trace writes its ExternalResource into its own namespace");
    assertThat(
            cluster
                .client()
                .genericKubernetesResources(SECCOMP_PROFILES)
                .inNamespace("kube-system")
                .withName("taken")
                .get())
        .isNull();
  }

  @Test
  void aProfileGadgetFlowDidNotMakeIsLeftAloneAndANewOneIsWritten() throws Exception {
    // Node-wide, so that this agent without access to pods runs the seccomp gadget at all.
    deploy(cluster.createNamespace("profiles"), TracePolicy.NO_TENANTS);
    GenericKubernetesResource theirs =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("security-profiles-operator.x-k8s.io/v1beta1")
            .withKind("SeccompProfile")
            .withNewMetadata()
            .withNamespace(platform.namespace)
            .withName("theirs")
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", Map.of("defaultAction", "SCMP_ACT_LOG")))
            .build();
    cluster.client().resource(theirs).create();

    String name = unique("advisor");
    platform
        .apply(
            platform.manifest(
                name,
                node,
                "seccomp",
                "Manual",
                "ExternalResource",
                "output: " + platform.namespace + "/theirs"))
        .requireSuccess();
    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    runTrue("gadgetflow-boundaries-" + UUID.randomUUID());
    platform.annotate(name, "generate");
    Trace failed =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && t.getStatus().getOperationError() != null);
    assertThat(failed.getStatus().getOperationError())
        .isEqualTo(
            "Failed to write SeccompProfile \""
                + platform.namespace
                + "/theirs\": it exists and GadgetFlow did not make it for this Trace; delete it"
                + " or choose another name");
    GenericKubernetesResource after =
        cluster
            .client()
            .genericKubernetesResources(SECCOMP_PROFILES)
            .inNamespace(platform.namespace)
            .withName("theirs")
            .get();
    assertThat(after.getAdditionalProperties().get("spec"))
        .isEqualTo(Map.of("defaultAction", "SCMP_ACT_LOG"));
    assertThat(after.getMetadata().getManagedFields())
        .noneMatch(field -> "gadgetflow-controller".equals(field.getManager()));

    // The same Trace writing a profile of its own is still fine (SeccompIT covers the rest).
    platform.annotate(name, "stop");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static TraceState state(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }
}
