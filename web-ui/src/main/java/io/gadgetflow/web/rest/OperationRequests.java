package io.gadgetflow.web.rest;

import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.gadget.TraceValidation;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.web.http.ApiException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Checks an operation a user asks for against what the gadget offers. */
final class OperationRequests {
  private OperationRequests() {}

  /**
   * @param field the request field the value came from, named in the 400 answer
   */
  static Operation parse(String field, Object value, GadgetDescriptor gadget) {
    if (!(value instanceof String text)) {
      throw ApiException.invalid(field, "must be a string, one of " + names(gadget));
    }
    Operation operation =
        Operation.fromAnnotationValue(text)
            .orElseThrow(
                () ->
                    ApiException.invalid(
                        field,
                        "\"%s\" is not an operation; operations are %s"
                            .formatted(
                                text,
                                Arrays.stream(Operation.values())
                                    .map(Operation::annotationValue)
                                    .collect(Collectors.joining(", ")))));
    TraceValidation.operation(gadget, text)
        .ifPresent(
            unsupported -> {
              throw ApiException.invalid(
                  field,
                  "gadget \"%s\" has no operation \"%s\"; it has %s"
                      .formatted(gadget.name(), text, names(gadget)));
            });
    return operation;
  }

  private static String names(GadgetDescriptor gadget) {
    return gadget.operations().stream()
        .map(Operation::annotationValue)
        .sorted()
        .collect(Collectors.joining(", "));
  }
}
