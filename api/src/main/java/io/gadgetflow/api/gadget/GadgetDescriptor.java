package io.gadgetflow.api.gadget;

import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a client needs to know about a gadget without running it: what the Trace {@code
 * gadget} value is, which operations and output modes it has, its parameters and event fields.
 *
 * @param name the value of {@code spec.gadget}, e.g. {@code execsnoop}
 * @param command the {@code kubectl gadget <category> <command>} name, e.g. {@code exec}
 * @param supportsFilter false for gadgets that see the whole node, which reject any filter
 */
public record GadgetDescriptor(
    String name,
    GadgetCategory category,
    String command,
    String description,
    Set<Operation> operations,
    Set<OutputMode> outputModes,
    boolean supportsFilter,
    List<ParameterDescriptor> parameters,
    List<EventField> eventFields) {

  public GadgetDescriptor {
    operations = Set.copyOf(operations);
    outputModes = Set.copyOf(outputModes);
    parameters = List.copyOf(parameters);
    eventFields = List.copyOf(eventFields);
  }

  public Optional<ParameterDescriptor> parameter(String parameterName) {
    return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
  }
}
