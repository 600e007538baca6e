package io.gadgetflow.api.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Inspektor Gadget's event {@code type}: every non-normal event carries a {@code message}. */
public enum EventType {
  @JsonProperty("normal")
  NORMAL,
  @JsonProperty("err")
  ERR,
  @JsonProperty("warn")
  WARN,
  @JsonProperty("debug")
  DEBUG,
  @JsonProperty("info")
  INFO
}
