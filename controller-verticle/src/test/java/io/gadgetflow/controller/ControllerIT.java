package io.gadgetflow.controller;

import static io.gadgetflow.controller.Harness.TIMEOUT;
import static io.gadgetflow.controller.Harness.hasOperationAnnotation;
import static io.gadgetflow.controller.Harness.runTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.kube.CallDeadline;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.controller.kafka.HandedOverOperations;
import io.gadgetflow.controller.kube.TakenOperation;
import io.gadgetflow.controller.kube.TracePatch;
import io.gadgetflow.controller.kube.TraceRepository;
import io.gadgetflow.controller.workers.KubernetesCalls;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubectlResult;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Trace lifecycle against a real API server, a real broker and a real node agent. */
@WithKafka
@WithKubernetes
class ControllerIT {
  Harness platform;
  String node;

  @BeforeEach
  void startPlatform(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    node = InetAddress.getLocalHost().getHostName();
    platform = new Harness(cluster, kafka, cluster.createNamespace("controller"));
  }

  @AfterEach
  void stopPlatform() {
    platform.close();
  }

  /** The seed's flow, verbatim, in namespace gadget with this machine's node name. */
  @Test
  void annotationsStartAndStopExecTracingAndDeletionStopsTheNode(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    platform.close();
    platform = new Harness(cluster, kafka, Trace.DEFAULT_NAMESPACE);
    platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node);
    String name = "exec-" + UUID.randomUUID().toString().substring(0, 8);

    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
    platform.annotate(name, "start");
    Trace started =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    String uid = started.getMetadata().getUid();
    assertThat(started.getMetadata().getFinalizers()).contains(Trace.FINALIZER);

    String marker = "gadgetflow-controller-" + UUID.randomUUID();
    runTrue(marker);
    assertThat(
            platform.kafka.consumeMatching(
                platform.topics.events(),
                r -> r.key().equals(uid) && r.value().contains(marker),
                1,
                TIMEOUT))
        .hasSize(1);
    Trace counted = platform.awaitTrace(name, t -> t.getStatus().getEvents() > 0);
    assertThat(counted.getStatus().getLostEvents()).isZero();

    platform.annotate(name, "stop");
    Trace stopped =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
    assertThat(stopped.getStatus().getOperationError()).isNull();
    assertThat(stopped.getStatus().getConditions())
        .singleElement()
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));

    cluster.kubectl("delete", "-n", Trace.DEFAULT_NAMESPACE, "trace/" + name).requireSuccess();
    assertThat(platform.trace(name).get()).isNull();
    assertThat(platform.answer(uid, uid + "/delete").operationError()).isNull();
  }

  static Stream<Arguments> invalidTraces() {
    return Stream.of(
        Arguments.of("nosuchsnoop", "Manual", "Stream", "", "Unknown gadget \"nosuchsnoop\""),
        Arguments.of(
            "execsnoop",
            "Auto",
            "Stream",
            "",
            "Unsupported RunMode \"Auto\" for gadget \"execsnoop\""),
        Arguments.of(
            "execsnoop",
            "Manual",
            "Status",
            "",
            "Unsupported OutputMode \"Status\" for gadget \"execsnoop\""),
        Arguments.of(
            "execsnoop",
            "Manual",
            "Stream",
            "parameters:\n  bogus: \"1\"",
            "Unknown parameter \"bogus\" for gadget \"execsnoop\""));
  }

  @ParameterizedTest
  @MethodSource("invalidTraces")
  void invalidTracesShowInspektorGadgetsErrorAndKeepTheAnnotation(
      String gadget, String runMode, String outputMode, String extraSpec, String error) {
    platform.deploy(platform.controller("controller-0"));
    String name = "invalid-" + UUID.randomUUID().toString().substring(0, 8);
    platform
        .apply(platform.manifest(name, node, gadget, runMode, outputMode, extraSpec))
        .requireSuccess();
    platform.annotate(name, "start");

    Trace refused = platform.awaitOperationError(name, error);

    assertThat(hasOperationAnnotation(refused)).isTrue();
    assertThat(refused.getStatus().getState()).isNull();
    assertThat(refused.getStatus().getConditions().getFirst().getReason()).isEqualTo("InvalidSpec");
  }

  @Test
  void anOperationTheGadgetLacksIsConsumedAndRefused() {
    platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node);
    String name = "explode";
    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
    platform.annotate(name, "explode");

    Trace refused =
        platform.awaitOperationError(
            name, "Unsupported operation \"explode\" for gadget \"execsnoop\"");

    assertThat(hasOperationAnnotation(refused)).isFalse();
    assertThat(TakenOperation.of(refused)).map(TakenOperation::operation).hasValue("explode");
  }

  @Test
  void aTraceWithoutOutputModeIsRefusedOnceNotRetriedForever() {
    platform.deploy(platform.controller("controller-0"));
    String name = "no-output-mode";
    platform
        .apply(
            """
            apiVersion: gadget.kinvolk.io/v1alpha1
            kind: Trace
            metadata:
              name: %s
            spec:
              node: %s
              gadget: execsnoop
              runMode: Manual
            """
                .formatted(name, node))
        .requireSuccess();
    platform.annotate(name, "start");

    Trace refused =
        platform.awaitOperationError(name, "Unsupported OutputMode \"\" for gadget \"execsnoop\"");

    assertThat(hasOperationAnnotation(refused)).isTrue();
    assertThat(refused.getStatus().getConditions().getFirst().getReason()).isEqualTo("InvalidSpec");
  }

  /**
   * The node reports a running gadget's counters every 200 ms here; each of those updates repeats
   * the node's last answer, which has no error. Seen from outside before: the controller's refusal
   * vanished within seconds on a busy Trace.
   */
  @Test
  void anOperationRefusedOnARunningTraceKeepsItsErrorWhileCountersMove() throws Exception {
    platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node);
    String name = "busy";
    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> state(t) == TraceState.STARTED);
    String error = "Unsupported operation \"START\" for gadget \"execsnoop\"";

    platform.annotate(name, "START");
    long eventsWhenRefused = platform.awaitOperationError(name, error).getStatus().getEvents();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    Trace counted;
    do {
      runTrue("gadgetflow-busy");
      counted = platform.trace(name).get();
    } while (counted.getStatus().getEvents() <= eventsWhenRefused + 2
        && counted.getStatus().getOperationError() != null
        && System.nanoTime() < deadline);

    assertThat(counted.getStatus().getOperationError()).isEqualTo(error);
    assertThat(counted.getStatus().getState()).isEqualTo(TraceState.STARTED);
  }

  @Test
  void theApiServerRejectsWhatTheSchemaForbids() {
    KubectlResult bogusMode =
        platform.apply(platform.manifest("bogus", node, "execsnoop", "Manual", "Bogus", ""));
    KubectlResult wrongType =
        platform.apply(
            platform.manifest("wrongtype", node, "execsnoop", "Manual", "Stream", "parameters: 5"));

    assertThat(bogusMode.exitCode()).isNotZero();
    assertThat(bogusMode.stderr())
        .contains("spec.outputMode")
        .contains("Unsupported value: \"Bogus\"");
    assertThat(wrongType.exitCode()).isNotZero();
    assertThat(wrongType.stderr()).contains("spec.parameters").contains("must be of type object");
  }

  @Test
  void aNodeWithoutAnAgentGivesAnErrorAndDeletionDoesNotHang() {
    platform.deploy(platform.controller("controller-0"));
    String name = "ghost";
    platform.apply(platform.manifest(name, "ghost-node", "execsnoop")).requireSuccess();
    platform.annotate(name, "start");

    Trace silent =
        platform.awaitTrace(
            name, t -> t.getStatus() != null && t.getStatus().getOperationError() != null);

    assertThat(silent.getStatus().getOperationError())
        .isEqualTo(
            "Node \"ghost-node\" did not answer operation \"start\": is a GadgetFlow node agent"
                + " running there?");
    assertThat(silent.getStatus().getConditions().getFirst().getReason())
        .isEqualTo("NodeDidNotAnswer");
    platform.trace(name).delete();
    platform.trace(name).waitUntilCondition(Objects::isNull, TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void deletionWaitsForADeadNodeOnlyAsLongAsTheTimeout() {
    platform.deploy(platform.controller("controller-0"));
    String agent = platform.deployNode("doomed-node");
    String name = "doomed";
    platform.apply(platform.manifest(name, "doomed-node", "execsnoop")).requireSuccess();
    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> state(t) == TraceState.STARTED);
    platform.undeploy(agent);

    long deleting = System.nanoTime();
    platform.trace(name).delete();
    platform.trace(name).waitUntilCondition(Objects::isNull, TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    assertThat(System.nanoTime() - deleting)
        .isGreaterThanOrEqualTo(Harness.DELETION_TIMEOUT.toNanos());
  }

  @Test
  void operationsAnnotatedBackToBackBothRunInOrder() {
    platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node);
    String name = "twice";
    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();

    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t));
    platform.annotate(name, "stop");
    Trace stopped = platform.awaitTrace(name, t -> state(t) == TraceState.STOPPED);

    List<NodeReport> answers = platform.answers(stopped.getMetadata().getUid(), 2);
    assertThat(answers)
        .extracting(NodeReport::state)
        .startsWith(TraceState.STARTED, TraceState.STOPPED);
  }

  @Test
  void aPatchBuiltFromAStaleCopyCannotRemoveANewerOperation() {
    String name = "stale";
    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
    platform.annotate(name, "start");
    Trace stale = platform.trace(name).get();
    platform
        .cluster
        .kubectl(
            "annotate",
            "--overwrite",
            "-n",
            platform.namespace,
            "trace/" + name,
            Trace.OPERATION_ANNOTATION + "=stop")
        .requireSuccess();

    TraceRepository repository =
        new TraceRepository(
            platform.cluster.client(),
            new KubernetesCalls(
                platform.vertx.createSharedWorkerExecutor("test-kube"),
                new CallDeadline(CallDeadline.KUBERNETES)));
    assertThatThrownBy(
            () ->
                Harness.await(
                    repository.patch(
                        stale, TracePatch.of(stale).removeAnnotation(Trace.OPERATION_ANNOTATION))))
        .hasRootCauseInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("code=422");

    assertThat(platform.trace(name).get().getMetadata().getAnnotations())
        .containsEntry(Trace.OPERATION_ANNOTATION, "stop");
  }

  @Test
  void aRestartedControllerRunsWhatWasAnnotatedMeanwhileAndNothingTwice() {
    String controller = platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node);
    String name = "restart";
    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
    platform.annotate(name, "start");
    String uid =
        platform.awaitTrace(name, t -> state(t) == TraceState.STARTED).getMetadata().getUid();

    platform.undeploy(controller);
    platform.annotate(name, "stop");
    platform.deploy(platform.controller("controller-1"));

    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
    assertThat(platform.kafka.recordCount(platform.topics.control())).isEqualTo(2);
    assertThat(platform.answers(uid, 2))
        .extracting(NodeReport::state)
        .startsWith(TraceState.STARTED, TraceState.STOPPED);
  }

  @Test
  void anOperationTakenButNotPublishedBeforeACrashIsPublishedAfterRestart() {
    platform.deployNode(node);
    String name = "crashed";
    platform
        .apply(
            platform
                .manifest(name, node, "execsnoop")
                .replace(
                    "metadata:\n  name: " + name,
                    "metadata:\n  name: "
                        + name
                        + "\n  annotations:\n    "
                        + TakenOperation.ANNOTATION
                        + ": start/taken-before-crash\n  finalizers:\n    - "
                        + Trace.FINALIZER))
        .requireSuccess();

    platform.deploy(platform.controller("controller-after-crash"));

    Trace started = platform.awaitTrace(name, t -> state(t) == TraceState.STARTED);
    assertThat(platform.answer(started.getMetadata().getUid(), "taken-before-crash").state())
        .isEqualTo(TraceState.STARTED);
  }

  @Test
  void aSecondReplicaStandsByAndTakesOverWhenTheFirstStops() {
    ControllerVerticle first = platform.controller("controller-a");
    String firstDeployment = platform.deploy(first);
    awaitActing(first);
    ControllerVerticle second = platform.controller("controller-b");
    platform.deploy(second);
    platform.deployNode(node);
    String name = "replicas";
    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> state(t) == TraceState.STARTED);
    assertThat(second.isActing()).isFalse();

    platform.undeploy(firstDeployment);
    awaitActing(second);
    platform.annotate(name, "stop");

    platform.awaitTrace(name, t -> state(t) == TraceState.STOPPED);
  }

  /**
   * A replica whose renewal fails (here: the Lease taken by another holder, as a slow API server
   * makes a renewal miss its deadline) stops acting, then campaigns again and acts once the Lease
   * is free: it never stands by forever while its health says UP.
   */
  @Test
  void aReplicaThatLostTheLeaseCampaignsAgainAndActsOnceItIsFree(KubernetesCluster cluster) {
    ControllerVerticle controller = platform.controller("controller-lost");
    platform.deploy(controller);
    awaitActing(controller);

    // The holder renews every half second: take the Lease between two renewals.
    awaitCondition("the Lease taken by another holder", () -> takeLease(cluster, "another-holder"));
    awaitCondition(
        "the replica stops acting once its Lease is taken", () -> !controller.isActing());

    awaitActing(controller);
    platform.deployNode(node);
    String name = "lease-lost";
    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> state(t) == TraceState.STARTED);
  }

  /**
   * Without Kafka, a replica that holds the Lease cannot learn which operations were handed over
   * before, so it takes none; it tries again after a failed reading, and acts once Kafka answers.
   */
  @Test
  void aControllerThatStartsBeforeKafkaActsOnceKafkaAnswers() {
    try (LateBroker late = LateBroker.start(platform.vertx, platform.kafka.bootstrapServers())) {
      ControllerVerticle controller =
          platform.controller("controller-before-kafka", late.bootstrapServers());
      platform.deploy(controller);
      platform.deployNode(node);
      String name = "before-kafka";
      platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
      platform.annotate(name, "start");
      awaitActing(controller);
      awaitCondition(
          "the controller tries to reach Kafka again after a reading timed out",
          () -> late.turningAwayFor().compareTo(HandedOverOperations.ATTEMPT_TIMEOUT) > 0);
      assertThat(hasOperationAnnotation(platform.trace(name).get())).isTrue();

      late.comeUp();

      platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    }
  }

  /**
   * The replica that takes the Lease lists Traces before it acts on them. A list whose response
   * never comes (sent here to a server that takes requests and never answers, on a client without a
   * request timeout, as a response the HTTP client never completes:
   * fabric8io/kubernetes-client#7299) left the Lease's holder doing nothing in an e2e run; past the
   * cache sync timeout it now starts acting again from scratch, and runs Traces.
   */
  @Test
  void aReplicaWhoseFirstListOfTracesNeverCompletesStartsActingAgain(KubernetesCluster cluster)
      throws IOException {
    platform.cacheSyncTimeout = Duration.ofSeconds(2);
    AtomicInteger traceLists = new AtomicInteger();
    try (SilentServer silent = SilentServer.start()) {
      Interceptor sendFirstTraceListAway =
          new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
              if (isTraceList(request) && traceLists.getAndIncrement() == 0) {
                builder.uri(silent.uri().resolve(request.uri().getRawPath()));
              }
            }
          };
      try (KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder(cluster.client().getConfiguration())
                      .withRequestTimeout(0)
                      .build())
              .withHttpClientBuilderConsumer(
                  builder -> builder.addOrReplaceInterceptor("silent-list", sendFirstTraceListAway))
              .build()) {
        String deployment = platform.deploy(platform.controller("controller-hung-list", client));
        platform.deployNode(node);
        String name = "hung-list";
        platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
        platform.annotate(name, "start");

        platform.awaitTrace(name, t -> state(t) == TraceState.STARTED);
        assertThat(silent.connections()).as("lists sent to the silent server").isEqualTo(1);
        assertThat(traceLists).as("lists of Traces").hasValueGreaterThan(1);
        platform.undeploy(deployment);
      }
    }
  }

  private static boolean isTraceList(HttpRequest request) {
    String query = request.uri().getQuery();
    return request.method().equals("GET")
        && request.uri().getPath().endsWith("/traces")
        && (query == null || !query.contains("watch=true"));
  }

  private boolean takeLease(KubernetesCluster cluster, String holder) {
    try {
      cluster
          .client()
          .leases()
          .inNamespace(platform.namespace)
          .withName(ControllerConfig.DEFAULT_LEASE_NAME)
          .edit(
              lease -> {
                lease.getSpec().setHolderIdentity(holder);
                lease.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
                return lease;
              });
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  private void awaitActing(ControllerVerticle controller) {
    awaitCondition("controller acting in time", controller::isActing);
  }

  private void awaitCondition(String description, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(description).isLessThan(deadline);
      Harness.await(platform.vertx.timer(50, TimeUnit.MILLISECONDS));
    }
  }

  private static TraceState state(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }
}
