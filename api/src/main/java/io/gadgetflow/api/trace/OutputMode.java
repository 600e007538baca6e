package io.gadgetflow.api.trace;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a gadget puts its results. */
public enum OutputMode {
  /** Into {@code status.output} of the Trace. */
  @JsonProperty("Status")
  STATUS,
  /** As a live stream of events (Kafka {@code gadget.events}). */
  @JsonProperty("Stream")
  STREAM,
  /** Appended as JSON lines to the file {@code spec.output} on the node. */
  @JsonProperty("File")
  FILE,
  /** Into another Kubernetes resource named {@code <namespace>/<name>} by {@code spec.output}. */
  @JsonProperty("ExternalResource")
  EXTERNAL_RESOURCE
}
