package io.gadgetflow.api.trace;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The state of a Trace; absent until its first operation. */
public enum TraceState {
  @JsonProperty("Started")
  STARTED,
  @JsonProperty("Stopped")
  STOPPED,
  @JsonProperty("Completed")
  COMPLETED
}
