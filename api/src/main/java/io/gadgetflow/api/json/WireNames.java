package io.gadgetflow.api.json;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

/**
 * The names enum constants have on the wire, taken from their {@link JsonProperty} annotation so
 * that Jackson and hand-written lookups (annotation values, CLI flags) agree.
 */
public final class WireNames {
  private WireNames() {}

  public static String of(Enum<?> constant) {
    try {
      JsonProperty property =
          constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class);
      return property == null ? constant.name() : property.value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("enum constant without a field: " + constant, e);
    }
  }

  public static <E extends Enum<E>> Optional<E> parse(Class<E> type, String wireName) {
    for (E constant : type.getEnumConstants()) {
      if (of(constant).equals(wireName)) {
        return Optional.of(constant);
      }
    }
    return Optional.empty();
  }
}
