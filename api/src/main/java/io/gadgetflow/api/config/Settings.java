package io.gadgetflow.api.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code GADGETFLOW_*} environment variables for the typed configurations of each role, and
 * names the variable in the error when a value is malformed.
 */
public record Settings(Map<String, String> env) {
  public static final String PREFIX = "GADGETFLOW_";

  public Optional<String> optional(String name) {
    return Optional.ofNullable(env.get(PREFIX + name)).filter(v -> !v.isBlank());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public Duration seconds(String name, Duration defaultValue) {
    return optional(name)
        .map(value -> Duration.ofSeconds(parse(name, value, "a whole number of seconds")))
        .orElse(defaultValue);
  }

  public int integer(String name, int defaultValue) {
    return optional(name)
        .map(value -> Math.toIntExact(parse(name, value, "a whole number")))
        .orElse(defaultValue);
  }

  private static long parse(String name, String value, String expected) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          PREFIX + name + " must be " + expected + ", not \"" + value + "\"");
    }
  }
}
