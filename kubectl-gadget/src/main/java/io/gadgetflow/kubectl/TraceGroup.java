package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The Traces of one command run, one per node, found by the trace id label they share (Inspektor
 * Gadget's {@value #TRACE_ID_LABEL}). Traces may be created from several threads at once. Once
 * sealed no Trace is created any more, and sealing waits for the creations under way, so deleting
 * by the label after sealing cannot miss one that was being created at that moment.
 */
final class TraceGroup {
  /** Inspektor Gadget's label: all Traces one command creates share its value. */
  static final String TRACE_ID_LABEL = "global-trace-id";

  /** Marks every Trace this command line creates, so its leftovers can be found later. */
  static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  static final String MANAGED_BY = "kubectl-gadget";

  private static final String ID_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final int ID_LENGTH = 16;

  private final KubernetesClient client;
  private final String namespace;
  private final String traceId;
  private final String owner;

  /** Creations hold it shared, sealing exclusively. */
  private final ReadWriteLock sealing = new ReentrantReadWriteLock();

  private boolean sealed;

  private TraceGroup(KubernetesClient client, String namespace, String traceId, String owner) {
    this.client = client;
    this.namespace = namespace;
    this.traceId = traceId;
    this.owner = owner;
  }

  /**
   * A new group under a fresh trace id.
   *
   * @param owner the value of {@link LeftoverTraces#OWNER_ANNOTATION}, the process whose end ends
   *     the Traces; null for Traces meant to outlive the process (advise start)
   */
  static TraceGroup create(KubernetesClient client, String namespace, String owner) {
    return new TraceGroup(client, namespace, newTraceId(), owner);
  }

  /** The group an earlier command created under {@code traceId}; it creates no Trace. */
  static TraceGroup existing(KubernetesClient client, String namespace, String traceId) {
    TraceGroup group = new TraceGroup(client, namespace, traceId, null);
    group.seal();
    return group;
  }

  private static String newTraceId() {
    SecureRandom random = new SecureRandom();
    StringBuilder id = new StringBuilder(ID_LENGTH);
    for (int i = 0; i < ID_LENGTH; i++) {
      id.append(ID_CHARACTERS.charAt(random.nextInt(ID_CHARACTERS.length())));
    }
    return id.toString();
  }

  String traceId() {
    return traceId;
  }

  String namespace() {
    return namespace;
  }

  /**
   * Creates the Trace for {@code spec}'s node with {@code operation} already asked for, as
   * Inspektor Gadget's CLI does, so the controller starts it without a second write.
   *
   * @return the created Trace, or null once the group is sealed
   * @throws CommandFailure when the API server refuses it
   */
  Trace create(TraceSpec spec, Operation operation) {
    sealing.readLock().lock();
    try {
      return sealed ? null : createUnsealed(spec, operation);
    } finally {
      sealing.readLock().unlock();
    }
  }

  private Trace createUnsealed(TraceSpec spec, Operation operation) {
    ObjectMetaBuilder metadata =
        new ObjectMetaBuilder()
            .withGenerateName(spec.getGadget() + "-")
            .withNamespace(namespace)
            .addToLabels(TRACE_ID_LABEL, traceId)
            .addToLabels(MANAGED_BY_LABEL, MANAGED_BY)
            .addToAnnotations(Trace.OPERATION_ANNOTATION, operation.annotationValue());
    if (owner != null) {
      metadata.addToAnnotations(LeftoverTraces.OWNER_ANNOTATION, owner);
    }
    Trace trace = new Trace();
    trace.setMetadata(metadata.build());
    trace.setSpec(spec);
    try {
      return client.resource(trace).create();
    } catch (KubernetesClientException e) {
      throw new CommandFailure(
          "cannot create a Trace in namespace %s for node %s: %s (is GadgetFlow installed? kubectl gadget deploy installs it)"
              .formatted(namespace, spec.getNode(), KubernetesErrors.reason(e)),
          e);
    }
  }

  /** No Trace is created after this returns, nor is one being created. */
  void seal() {
    sealing.writeLock().lock();
    try {
      sealed = true;
    } finally {
      sealing.writeLock().unlock();
    }
  }

  /**
   * Asks for {@code operation} on one Trace, the way a user would annotate it; a merge patch of the
   * Trace named, not read first (fabric8 reads a Trace named by {@code withName} before it patches
   * it, which doubled the requests of a run's stop).
   */
  void ask(String traceName, Operation operation) {
    String patch =
        new String(
            Json.encode(
                Map.of(
                    "metadata",
                    Map.of(
                        "annotations",
                        Map.of(Trace.OPERATION_ANNOTATION, operation.annotationValue())))),
            StandardCharsets.UTF_8);
    Trace named = new Trace();
    named.setMetadata(new ObjectMetaBuilder().withName(traceName).withNamespace(namespace).build());
    client
        .resources(Trace.class)
        .inNamespace(namespace)
        .resource(named)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  /** Deletes one Trace of the group; the controller stops its gadget and removes it. */
  void delete(String traceName) {
    client.resources(Trace.class).inNamespace(namespace).withName(traceName).delete();
  }

  /** Deletes every Trace of the group; the controller stops their gadgets and removes them. */
  void deleteAll() {
    client
        .resources(Trace.class)
        .inNamespace(namespace)
        .withLabel(TRACE_ID_LABEL, traceId)
        .delete();
  }
}
