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
    /**
     * A stack: an array of frames, the innermost first. Terminals print it under its row, outermost
     * first, as Inspektor Gadget's profile does, rather than in a column.
     */
    @JsonProperty("stack")
    STACK,
    /** Nanoseconds since the epoch. */
    @JsonProperty("timestamp")
    TIMESTAMP
  }
}
