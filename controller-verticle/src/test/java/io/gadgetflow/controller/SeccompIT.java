package io.gadgetflow.controller;

import static io.gadgetflow.controller.Harness.TIMEOUT;
import static io.gadgetflow.controller.Harness.hasOperationAnnotation;
import static io.gadgetflow.controller.Harness.runTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.controller.kube.TakenOperation;
import io.gadgetflow.kafka.ControlPartitions;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.RecordSchemas;
import io.gadgetflow.testing.SeccompProfileCrd;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seccomp advisor through the controller: start, generate into the status or into a
 * security-profiles-operator SeccompProfile (its CRD installed into the real API server), stop.
 */
@WithKafka
@WithKubernetes
class SeccompIT {
  private static final ResourceDefinitionContext SECCOMP_PROFILES =
      new ResourceDefinitionContext.Builder()
          .withGroup("security-profiles-operator.x-k8s.io")
          .withVersion("v1beta1")
          .withKind("SeccompProfile")
          .withPlural("seccompprofiles")
          .withNamespaced(true)
          .build();

  Harness platform;
  KubernetesCluster cluster;
  String node;
  String controllerDeployment;

  @BeforeEach
  void startPlatform(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    this.cluster = cluster;
    node = InetAddress.getLocalHost().getHostName();
    SeccompProfileCrd.install(cluster);
    platform = new Harness(cluster, kafka, cluster.createNamespace("seccomp"));
    controllerDeployment = platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node);
  }

  @AfterEach
  void stopPlatform() {
    platform.close();
  }

  @Test
  void generateWritesASeccompProfileResourceAndLeavesTheTraceStarted() throws Exception {
    String name = unique("advisor");
    String profileName = unique("profile");
    platform
        .apply(
            platform.manifest(
                name,
                node,
                "seccomp",
                "Manual",
                "ExternalResource",
                "output: " + platform.namespace + "/" + profileName))
        .requireSuccess();
    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    runTrue("gadgetflow-seccomp-" + UUID.randomUUID());

    platform.annotate(name, "generate");
    JsonNode spec = awaitProfile(profileName);
    assertThat(spec.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(spec.get("architectures").get(0).asText()).startsWith("SCMP_ARCH_");
    assertThat(spec.get("syscalls").get(0).get("action").asText()).isEqualTo("SCMP_ACT_ALLOW");
    assertThat(names(spec)).contains("execve", "exit_group");
    Trace generated = platform.awaitTrace(name, t -> !hasOperationAnnotation(t));
    assertThat(generated.getStatus().getState()).isEqualTo(TraceState.STARTED);
    assertThat(generated.getStatus().getOutput()).isNull();
    assertThat(generated.getStatus().getOperationError()).isNull();

    platform.annotate(name, "stop");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
  }

  /**
   * A generate handed over by a replica that died before the node's answer came: the Trace records
   * it as taken and the control topic holds it, and the replica acting next reads the answer
   * without awaiting it. It writes the profile all the same (it took the answer for a repeat, the
   * Trace showing Started as before, and the profile was lost without a word).
   */
  @Test
  void aGenerateAnsweredAfterTheReplicaThatHandedItOverDiedWritesItsProfile() throws Exception {
    String name = unique("advisor");
    String profileName = unique("profile");
    String output = platform.namespace + "/" + profileName;
    platform
        .apply(
            platform.manifest(
                name, node, "seccomp", "Manual", "ExternalResource", "output: " + output))
        .requireSuccess();
    platform.annotate(name, "start");
    Trace started =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    runTrue("gadgetflow-seccomp-" + UUID.randomUUID());

    // What the replica did before it died: the generate taken (recorded on the Trace) and handed
    // over; the node answers it while no replica acts.
    platform.undeploy(controllerDeployment);
    String id = UUID.randomUUID().toString();
    platform
        .trace(name)
        .edit(
            trace -> {
              trace.getMetadata().getAnnotations().put(TakenOperation.ANNOTATION, "generate/" + id);
              return trace;
            });
    String uid = started.getMetadata().getUid();
    ControlRecord generate =
        new ControlRecord(
            platform.namespace,
            name,
            uid,
            started.getMetadata().getGeneration(),
            node,
            "seccomp",
            null,
            OutputMode.EXTERNAL_RESOURCE,
            output,
            Map.of(),
            Operation.GENERATE,
            id,
            true,
            Instant.now());
    try (KafkaProducer<String, String> producer = platform.kafka.producer()) {
      String topic = platform.topics.control();
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  ControlPartitions.of(producer, topic, node),
                  uid,
                  new String(Json.encode(generate), StandardCharsets.UTF_8)))
          .get(30, TimeUnit.SECONDS);
    }
    assertThat(platform.answer(uid, id).output())
        .as("the node answered with a profile")
        .isNotNull();
    long handedOver = platform.kafka.recordCount(platform.topics.control());

    platform.deploy(platform.controller("controller-1"));
    assertThat(names(awaitProfile(profileName))).contains("execve");
    assertThat(platform.kafka.recordCount(platform.topics.control()))
        .as("the replica acting next did not hand the generate over again")
        .isEqualTo(handedOver);
  }

  @Test
  void generateWritesTheProfileIntoTheStatus() throws Exception {
    String name = unique("advisor");
    platform
        .apply(platform.manifest(name, node, "seccomp", "Manual", "Status", ""))
        .requireSuccess();
    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    runTrue("gadgetflow-seccomp-" + UUID.randomUUID());

    platform.annotate(name, "generate");
    Trace generated =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && t.getStatus().getOutput() != null);

    assertThat(generated.getStatus().getState()).isEqualTo(TraceState.STARTED);
    RecordSchemas.assertValid("output-seccomp.json", generated.getStatus().getOutput());
    JsonNode profile = Json.mapper().readTree(generated.getStatus().getOutput());
    assertThat(profile.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(names(profile)).contains("execve");
  }

  @Test
  void anExternalResourceOutputMustNameANamespaceAndAName() {
    String name = unique("advisor");
    platform
        .apply(
            platform.manifest(
                name, node, "seccomp", "Manual", "ExternalResource", "output: just-a-name"))
        .requireSuccess();
    platform.annotate(name, "start");

    platform.awaitOperationError(
        name,
        "Invalid output \"just-a-name\" for OutputMode \"ExternalResource\":"
            + " expected <namespace>/<name>");
  }

  /** The spec of the SeccompProfile {@code name} once it is there. */
  private JsonNode awaitProfile(String name) {
    GenericKubernetesResource profile =
        cluster
            .client()
            .genericKubernetesResources(SECCOMP_PROFILES)
            .inNamespace(platform.namespace)
            .withName(name)
            .waitUntilCondition(Objects::nonNull, TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return Json.mapper().valueToTree(profile.getAdditionalProperties().get("spec"));
  }

  private static List<String> names(JsonNode profile) {
    List<String> names = new ArrayList<>();
    profile.get("syscalls").get(0).get("names").forEach(n -> names.add(n.asText()));
    return names;
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static TraceState state(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }
}
