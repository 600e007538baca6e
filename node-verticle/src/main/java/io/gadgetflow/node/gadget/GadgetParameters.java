package io.gadgetflow.node.gadget;

import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.gadget.IpAddressLiterals;
import io.gadgetflow.api.gadget.ParameterDescriptor;
import io.gadgetflow.api.gadget.Signals;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A trace's {@code spec.parameters} read against its gadget's descriptor: a parameter not given has
 * its default, and a value is re-checked here because a control record may not have come through
 * the controller.
 */
public final class GadgetParameters {
  private final GadgetDescriptor gadget;
  private final Map<String, String> values;

  public GadgetParameters(GadgetDescriptor gadget, Map<String, String> values) {
    this.gadget = gadget;
    this.values = Map.copyOf(values);
  }

  public static GadgetParameters defaults(GadgetDescriptor gadget) {
    return new GadgetParameters(gadget, Map.of());
  }

  public boolean bool(String name) {
    return Boolean.parseBoolean(value(name));
  }

  public String string(String name) {
    return value(name);
  }

  public long unsigned(String name) {
    return Long.parseLong(value(name).strip());
  }

  /** The items of a comma-separated list of unsigned integers; none when it is empty. */
  public long[] unsignedList(String name) {
    String value = value(name).strip();
    if (value.isEmpty()) {
      return new long[0];
    }
    return Arrays.stream(value.split(","))
        .mapToLong(item -> Long.parseLong(item.strip()))
        .toArray();
  }

  /** The value as given, or the default. */
  public String text(String name) {
    return value(name);
  }

  /** The signal number, or empty when the parameter is not set. */
  public OptionalInt signal(String name) {
    String value = value(name);
    return value.isEmpty() ? OptionalInt.empty() : Signals.parse(value);
  }

  /** The address of an {@code ipv4} or {@code ipv6} parameter, or empty when it is not set. */
  public Optional<InetAddress> address(String name) {
    String value = value(name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    return IpAddressLiterals.ipv4(value)
        .<InetAddress>map(ipv4 -> ipv4)
        .or(() -> IpAddressLiterals.ipv6(value));
  }

  private String value(String name) {
    ParameterDescriptor descriptor =
        gadget
            .parameter(name)
            .orElseThrow(
                () -> new IllegalStateException(gadget.name() + " has no parameter " + name));
    String value = values.get(name);
    if (value == null) {
      return descriptor.defaultValue();
    }
    descriptor
        .validate(value)
        .ifPresent(
            why -> {
              throw new IllegalArgumentException(
                  "Invalid value \"%s\" for parameter \"%s\": %s".formatted(value, name, why));
            });
    return value;
  }
}
