package io.gadgetflow.api.gadget;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/**
 * One gadget parameter: its name in {@code spec.parameters}, type, default and the values it
 * accepts.
 *
 * @param allowedValues when not empty, the only values accepted (for a {@link
 *     ParameterType#SORT_BY}: the columns it may name)
 * @param min smallest accepted value of a numeric parameter, or null
 * @param max largest accepted value of a numeric parameter (each item of a list), or null
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ParameterDescriptor(
    String name,
    ParameterType type,
    String defaultValue,
    String description,
    List<String> allowedValues,
    Long min,
    Long max) {

  public ParameterDescriptor {
    allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
    if ((min != null || max != null)
        && (type == ParameterType.STRING
            || type == ParameterType.BOOL
            || type == ParameterType.SIGNAL
            || type == ParameterType.SORT_BY
            || type == ParameterType.IPV4
            || type == ParameterType.IPV6)) {
      throw new IllegalArgumentException("a range needs a numeric parameter: " + name);
    }
  }

  public static ParameterDescriptor of(
      String name, ParameterType type, String defaultValue, String description) {
    return new ParameterDescriptor(name, type, defaultValue, description, List.of(), null, null);
  }

  public ParameterDescriptor withRange(Long min, Long max) {
    return new ParameterDescriptor(name, type, defaultValue, description, allowedValues, min, max);
  }

  public ParameterDescriptor withAllowedValues(List<String> values) {
    return new ParameterDescriptor(name, type, defaultValue, description, values, min, max);
  }

  /** Why {@code value} is not acceptable for this parameter, or empty when it is. */
  public Optional<String> validate(String value) {
    Optional<String> typeError = type.check(value);
    if (typeError.isPresent()) {
      return typeError;
    }
    if (type == ParameterType.SORT_BY) {
      return checkColumns(value);
    }
    if (!allowedValues.isEmpty() && !allowedValues.contains(value)) {
      return Optional.of("expected one of " + String.join(", ", allowedValues));
    }
    return checkRange(value);
  }

  /** For a sort order, the allowed values are the columns it may name. */
  private Optional<String> checkColumns(String value) {
    if (allowedValues.isEmpty()) {
      return Optional.empty();
    }
    for (SortOrder.Key key : SortOrder.parse(value).keys()) {
      if (!allowedValues.contains(key.column())) {
        return Optional.of(
            "no column \"%s\" to sort by: expected some of %s"
                .formatted(key.column(), String.join(", ", allowedValues)));
      }
    }
    return Optional.empty();
  }

  private Optional<String> checkRange(String value) {
    if (min == null && max == null) {
      return Optional.empty();
    }
    for (String item : value.split(",", -1)) {
      long number = ParameterType.parseLong(item).orElseThrow();
      if ((min != null && number < min) || (max != null && number > max)) {
        return Optional.of(
            "%s is out of range [%s, %s]"
                .formatted(item.strip(), min == null ? "" : min, max == null ? "" : max));
      }
    }
    return Optional.empty();
  }
}
