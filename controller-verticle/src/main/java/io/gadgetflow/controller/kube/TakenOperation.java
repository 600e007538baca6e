package io.gadgetflow.controller.kube;

import io.gadgetflow.api.trace.Trace;
import java.util.Optional;
import java.util.UUID;

/**
 * The last operation taken off a Trace. It is recorded on the Trace itself, in the same patch that
 * removes Inspektor Gadget's annotation, so a controller that dies before handing it to Kafka
 * publishes it after restart instead of losing it; its id tells whether it was handed over (the
 * control topic holds the latest id of each Trace) and lets the node answer it only once. It stays
 * until the next operation is taken: removing it would cost every operation another write.
 */
public record TakenOperation(String operation, String id) {
  public static final String ANNOTATION = "gadgetflow.io/operation-taken";

  public static TakenOperation fresh(String operation) {
    return new TakenOperation(operation, UUID.randomUUID().toString());
  }

  /** The operation recorded on {@code trace}, if any and well-formed. */
  public static Optional<TakenOperation> of(Trace trace) {
    String value = annotation(trace);
    if (value == null) {
      return Optional.empty();
    }
    int slash = value.lastIndexOf('/');
    if (slash <= 0 || slash == value.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(new TakenOperation(value.substring(0, slash), value.substring(slash + 1)));
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
