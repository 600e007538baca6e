package io.gadgetflow.node.trace;

import io.gadgetflow.node.gadget.GadgetOptions;
import java.util.Optional;

/** What a snapshot's answer warns about, as Inspektor Gadget does. */
final class SnapshotWarning {
  static final String NO_CONTAINER_MATCHES = "No container matches the requested filter";
  private static final String EMPTY_JSON_ARRAY = "[]";

  private SnapshotWarning() {}

  /**
   * A filtered snapshot that found nothing: no container matched (the state is still {@code
   * Completed}). An unfiltered one that finds nothing is just empty.
   */
  static Optional<String> of(GadgetOptions options, String output) {
    return options.filterByMountNamespace() && EMPTY_JSON_ARRAY.equals(output)
        ? Optional.of(NO_CONTAINER_MATCHES)
        : Optional.empty();
  }
}
