package io.gadgetflow.faults;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.testing.KubernetesCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The operations a fault annotates on its Traces with the real kubectl, and what became of them:
 * the control records that handed each to the node, the node's answers on the status topic (counter
 * updates repeat an answer and are not counted), and every {@code operationError} a Trace showed
 * while the fault waited on it. {@link #figures} counts the operations lost or run twice; the ITs'
 * {@code OperationAssertions} assert each handed over once, in order, and answered once.
 */
final class OperationLedger {
  private final KubernetesCluster cluster;
  private final String namespace;
  private final String bootstrapServers;
  private final TopicNames topics;
  private final Duration timeout;
  private final Map<String, List<String>> annotated = new TreeMap<>();
  private final Set<String> errorsSeen = new TreeSet<>();

  OperationLedger(
      KubernetesCluster cluster,
      String namespace,
      String bootstrapServers,
      TopicNames topics,
      Duration timeout) {
    this.cluster = cluster;
    this.namespace = namespace;
    this.bootstrapServers = bootstrapServers;
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

  /** Whether the controller took the Trace's operation annotation; notes an error it shows. */
  boolean taken(String name) {
    Trace trace = trace(name).get();
    noteError(trace);
    return answered(trace);
  }

  Set<String> errorsSeen() {
    return errorsSeen;
  }

  Resource<Trace> trace(String name) {
    return cluster.client().resources(Trace.class).inNamespace(namespace).withName(name);
  }

  /**
   * What became of the operations annotated so far: lost (never handed to the node, or handed over
   * and never answered) and run twice (handed over again, under its id or a new one, or answered
   * more than once). {@code agentRestartedAt}, when the node's agent was started again (null when
   * it was not): the restarted agent answers each Trace's last operation once more (a start it
   * resumes, a stop; docs/reliability.md), so one answer after that instant to an operation that
   * was its Trace's last one then and had been answered before counts as answered again by design.
   */
  OperationFigures figures(Instant agentRestartedAt) {
    Map<String, String> names = names();
    Map<String, List<Handed>> handedOver = handedOver(names);
    Map<String, List<Answered>> answers = answered(names);
    int count = 0;
    int lost = 0;
    int twice = 0;
    int again = 0;
    for (Map.Entry<String, List<String>> trace : annotated.entrySet()) {
      int operations = trace.getValue().size();
      List<Handed> handed = handedOver.getOrDefault(trace.getKey(), List.of());
      List<String> ids = handed.stream().map(Handed::id).toList();
      Set<String> distinct = new TreeSet<>(ids);
      List<Answered> answered = answers.getOrDefault(trace.getKey(), List.of());
      // The Trace's last operation when the agent restarted, as the restarted agent read it.
      String lastBeforeRestart =
          agentRestartedAt == null
              ? null
              : handed.stream()
                  .filter(op -> op.at().isBefore(agentRestartedAt))
                  .reduce((first, second) -> second)
                  .map(Handed::id)
                  .orElse(null);
      count += operations;
      lost += Math.max(0, operations - distinct.size());
      twice += ids.size() - distinct.size() + Math.max(0, distinct.size() - operations);
      for (String id : distinct) {
        List<Instant> times =
            answered.stream().filter(a -> a.id().equals(id)).map(Answered::at).toList();
        boolean repeatByDesign =
            id.equals(lastBeforeRestart)
                && times.stream().anyMatch(time -> time.isBefore(agentRestartedAt))
                && times.stream().anyMatch(time -> !time.isBefore(agentRestartedAt));
        lost += times.isEmpty() ? 1 : 0;
        again += repeatByDesign ? 1 : 0;
        twice += Math.max(0, times.size() - 1 - (repeatByDesign ? 1 : 0));
      }
    }
    return new OperationFigures(count, lost, twice, again);
  }

  /** The operations annotated, by Trace name, in order. */
  Map<String, List<String>> annotated() {
    return annotated;
  }

  /** An operation handed to the node: a control record's operation, id and time. */
  record Handed(String operation, String id, Instant at) {}

  /** The node's answer to an operation: its id, and when the node answered. */
  private record Answered(String id, Instant at) {}

  /** The operations handed to the node (the control topic), by Trace name, in order. */
  Map<String, List<Handed>> handedOver() {
    return handedOver(names());
  }

  /** The ids of the operations the node answered, by Trace name; counter updates not counted. */
  Map<String, List<String>> answers() {
    Map<String, List<String>> ids = new TreeMap<>();
    answered(names())
        .forEach((name, answers) -> ids.put(name, answers.stream().map(Answered::id).toList()));
    return ids;
  }

  private Map<String, List<Handed>> handedOver(Map<String, String> names) {
    Map<String, List<Handed>> handedOver = new TreeMap<>();
    for (ControlRecord record : read(topics.control(), ControlRecord.class)) {
      if (names.containsKey(record.traceUid())) {
        handedOver
            .computeIfAbsent(names.get(record.traceUid()), n -> new ArrayList<>())
            .add(
                new Handed(
                    record.operation().annotationValue(), record.operationId(), record.time()));
      }
    }
    return handedOver;
  }

  private Map<String, List<Answered>> answered(Map<String, String> names) {
    Map<String, List<Answered>> answers = new TreeMap<>();
    for (NodeReport report : read(topics.status(), NodeReport.class)) {
      if (!report.countersUpdate() && names.containsKey(report.traceUid())) {
        answers
            .computeIfAbsent(names.get(report.traceUid()), n -> new ArrayList<>())
            .add(new Answered(report.operationId(), report.time()));
      }
    }
    return answers;
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
    List<T> values = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record :
        FaultSteps.readAll(bootstrapServers, topic, timeout)) {
      if (record.value() != null) {
        values.add(Json.decode(record.value(), type));
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
      if (System.nanoTime() > deadline) {
        throw new AssertionError(description + " within " + timeout);
      }
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
