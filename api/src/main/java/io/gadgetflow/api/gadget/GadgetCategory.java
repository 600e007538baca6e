package io.gadgetflow.api.gadget;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gadgetflow.api.json.WireNames;

/**
 * Inspektor Gadget's gadget categories; the wire name is also the gadget's source folder and the
 * {@code kubectl gadget} command group.
 */
public enum GadgetCategory {
  /** Streams one event per kernel occurrence until stopped. */
  @JsonProperty("trace")
  TRACE,
  /** Aggregates in the kernel between start and stop, then reports once. */
  @JsonProperty("profile")
  PROFILE,
  /** Takes one picture of the node when collected. */
  @JsonProperty("snapshot")
  SNAPSHOT,
  /** Periodically reports the top items of an aggregation. */
  @JsonProperty("top")
  TOP,
  /** Records behaviour, then generates advice such as a seccomp profile. */
  @JsonProperty("advise")
  ADVISE;

  public String folderName() {
    return WireNames.of(this);
  }
}
