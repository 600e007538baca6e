package io.gadgetflow.api.trace;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gadgetflow.api.json.WireNames;
import java.util.Optional;

/** The values of the {@link Trace#OPERATION_ANNOTATION} annotation. */
public enum Operation {
  @JsonProperty("start")
  START,
  @JsonProperty("stop")
  STOP,
  @JsonProperty("generate")
  GENERATE,
  @JsonProperty("collect")
  COLLECT,
  @JsonProperty("delete")
  DELETE;

  public String annotationValue() {
    return WireNames.of(this);
  }

  public static Optional<Operation> fromAnnotationValue(String value) {
    return WireNames.parse(Operation.class, value);
  }
}
