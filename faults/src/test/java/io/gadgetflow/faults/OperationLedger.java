package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations a fault test annotates on its Traces, and what became of them: each handed to the
 * node once (one control record under its id, in the order annotated) and answered once (one answer
 * under that id on the status topic; counter updates repeat an answer and are not counted), and
 * every {@code operationError} a Trace showed while the test waited on it.
 */
final class OperationLedger {
  private static final Logger LOG = LoggerFactory.getLogger(OperationLedger.class);

  private final KubernetesCluster cluster;
  private final String namespace;
  private final KafkaBroker kafka;
  private final TopicNames topics;
  private final Duration timeout;
  private final Map<String, List<String>> annotated = new TreeMap<>();
  private final Set<String> errorsSeen = new TreeSet<>();

  OperationLedger(
      KubernetesCluster cluster,
      String namespace,
      KafkaBroker kafka,
      TopicNames topics,
      Duration timeout) {
    this.cluster = cluster;
    this.namespace = namespace;
    this.kafka = kafka;
    this.topics = topics;
    this.timeout = timeout;
  }

  /** Creates a Trace of {@code gadget} on {@code node}, not started. */
  void create(String name, String node, String gadget, String outputMode, String output) {
    cluster
        .kubectlWithInput(
            """
            apiVersion: gadget.kinvolk.io/v1alpha1
            kind: Trace
            metadata:
              name: %s
            spec:
              node: %s
              gadget: %s
              runMode: Manual
              outputMode: %s
            %s"""
                .formatted(
                    name,
                    node,
                    gadget,
                    outputMode,
                    output == null ? "" : "  output: \"%s\"\n".formatted(output)),
            "apply",
            "-n",
            namespace,
            "-f",
            "-")
        .requireSuccess();
  }

  /** Annotates {@code operation} with the real kubectl, which fails while no API server answers. */
  void annotate(String name, String operation) {
    cluster
        .kubectl(
            "annotate",
            "--overwrite",
            "-n",
            namespace,
            "trace/" + name,
            Trace.OPERATION_ANNOTATION + "=" + operation)
        .requireSuccess();
    annotated.computeIfAbsent(name, n -> new ArrayList<>()).add(operation);
  }

  /** Waits until each of {@code names} answered its last operation and is in {@code state}. */
  void awaitState(TraceState state, String... names) {
    await(
        String.join(", ", names) + " " + state,
        () -> {
          for (String name : names) {
            Trace trace = trace(name).get();
            noteError(trace);
            if (!answered(trace) || state(trace) != state) {
              return false;
            }
          }
          return true;
        });
  }

  /** Whether the controller took the Trace's operation annotation. */
  boolean taken(String name) {
    return answered(trace(name).get());
  }

  Set<String> errorsSeen() {
    return errorsSeen;
  }

  Resource<Trace> trace(String name) {
    return cluster.client().resources(Trace.class).inNamespace(namespace).withName(name);
  }

  /** Each operation annotated handed to the node once, in order, and answered once. */
  void assertEveryOperationRanOnce() {
    assertAnsweredOnce(assertEveryOperationHandedOverOnce(), annotated.keySet());
  }

  /**
   * Each operation annotated handed to the node once (one control record under its own id), in
   * order; returns the ids handed over, by Trace name.
   */
  Map<String, List<String>> assertEveryOperationHandedOverOnce() {
    Map<String, String> names = names();
    Map<String, List<String>> published = new TreeMap<>();
    for (ControlRecord record : read(topics.control(), ControlRecord.class)) {
      published
          .computeIfAbsent(names.get(record.traceUid()), n -> new ArrayList<>())
          .add(record.operation().annotationValue() + " " + record.operationId());
    }
    LOG.info("annotated {}, published {}", annotated, published);
    Map<String, List<String>> ids = new TreeMap<>();
    for (String name : annotated.keySet()) {
      List<String> operations = published.getOrDefault(name, List.of());
      assertThat(operations)
          .as("%s: each operation annotated handed to the node once, in order", name)
          .extracting(operation -> operation.split(" ")[0])
          .containsExactlyElementsOf(annotated.get(name));
      ids.put(name, operations.stream().map(operation -> operation.split(" ")[1]).toList());
      assertThat(ids.get(name))
          .as("%s: one control record per operation", name)
          .doesNotHaveDuplicates();
    }
    return ids;
  }

  /** The node answered each operation of {@code names} in {@code handedOver} once. */
  void assertAnsweredOnce(Map<String, List<String>> handedOver, Collection<String> traces) {
    Map<String, String> names = names();
    Map<String, List<String>> answers = new TreeMap<>();
    for (NodeReport report : read(topics.status(), NodeReport.class)) {
      if (!report.countersUpdate()) {
        answers
            .computeIfAbsent(names.get(report.traceUid()), n -> new ArrayList<>())
            .add(report.state() + " " + report.operationId());
      }
    }
    LOG.info("answered {}", answers);
    for (String name : traces) {
      List<String> answered = answers.getOrDefault(name, List.of());
      assertThat(answered.stream().map(answer -> answer.split(" ")[1]))
          .as("%s: the node answered each operation once: %s", name, answered)
          .containsExactlyElementsOf(handedOver.get(name));
    }
  }

  /** The annotated Traces' names by uid. */
  private Map<String, String> names() {
    Map<String, String> names = new TreeMap<>();
    for (String name : annotated.keySet()) {
      names.put(trace(name).get().getMetadata().getUid(), name);
    }
    return names;
  }

  private <T> List<T> read(String topic, Class<T> type) {
    int count = Math.toIntExact(kafka.recordCount(topic));
    List<T> values = new ArrayList<>();
    for (ConsumerRecord<String, String> record : kafka.consume(topic, count, timeout)) {
      if (record.value() != null) {
        values.add(Json.decode(record.value().getBytes(StandardCharsets.UTF_8), type));
      }
    }
    return values;
  }

  private void noteError(Trace trace) {
    if (trace.getStatus() != null && trace.getStatus().getOperationError() != null) {
      errorsSeen.add(trace.getMetadata().getName() + ": " + trace.getStatus().getOperationError());
    }
  }

  /** Polls {@code condition}; a request the API server fails counts as not yet. */
  void await(String description, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!holds(condition)) {
      assertThat(System.nanoTime()).as("%s within %s", description, timeout).isLessThan(deadline);
      try {
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static boolean holds(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  private static boolean answered(Trace trace) {
    Map<String, String> annotations = trace.getMetadata().getAnnotations();
    return annotations == null || !annotations.containsKey(Trace.OPERATION_ANNOTATION);
  }

  static TraceState state(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }
}
