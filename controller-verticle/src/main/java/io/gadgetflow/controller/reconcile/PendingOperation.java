package io.gadgetflow.controller.reconcile;

import io.gadgetflow.api.trace.Trace;
import java.util.Optional;
import java.util.UUID;

/**
 * An operation taken off a Trace but not yet handed to Kafka. It is recorded on the Trace itself,
 * in the same patch that removes Inspektor Gadget's annotation, so a controller that dies between
 * the two steps publishes it after restart instead of losing it; its id lets the node answer it
 * only once.
 */
public record PendingOperation(String operation, String id) {
  public static final String ANNOTATION = "gadgetflow.io/pending-operation";

  public static PendingOperation fresh(String operation) {
    return new PendingOperation(operation, UUID.randomUUID().toString());
  }

  /** The pending operation recorded on {@code trace}, if any and well-formed. */
  public static Optional<PendingOperation> of(Trace trace) {
    String value = annotation(trace);
    if (value == null) {
      return Optional.empty();
    }
    int slash = value.lastIndexOf('/');
    if (slash <= 0 || slash == value.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(new PendingOperation(value.substring(0, slash), value.substring(slash + 1)));
  }

  public static boolean isRecordedOn(Trace trace) {
    return annotation(trace) != null;
  }

  public String annotationValue() {
    return operation + "/" + id;
  }

  private static String annotation(Trace trace) {
    var annotations = trace.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(ANNOTATION);
  }
}
