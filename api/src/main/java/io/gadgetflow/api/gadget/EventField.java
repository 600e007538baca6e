package io.gadgetflow.api.gadget;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One field of a gadget's event JSON, for consumers that render columns.
 *
 * @param width the column width a terminal table gives it
 */
public record EventField(String name, Type type, int width, String description) {

  /** The JSON type of a field's value. */
  public enum Type {
    @JsonProperty("string")
    STRING,
    @JsonProperty("int")
    INT,
    @JsonProperty("uint")
    UINT,
    @JsonProperty("bool")
    BOOL,
    @JsonProperty("string-array")
    STRING_ARRAY,
    /** Nanoseconds since the epoch. */
    @JsonProperty("timestamp")
    TIMESTAMP
  }
}
