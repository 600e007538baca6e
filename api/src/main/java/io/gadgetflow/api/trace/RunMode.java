package io.gadgetflow.api.trace;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a Trace is driven. GadgetFlow, like recent Inspektor Gadget, supports only {@code Manual}.
 */
public enum RunMode {
  @JsonProperty("Auto")
  AUTO,
  @JsonProperty("Manual")
  MANUAL
}
