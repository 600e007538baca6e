package io.gadgetflow.api.trace;

import java.util.Optional;
import java.util.regex.Pattern;

/** The {@code <namespace>/<name>} that {@code spec.output} gives for ExternalResource output. */
public record ExternalResourceName(String namespace, String name) {
  /** A namespace is a DNS label; most resource names are DNS subdomains. */
  private static final Pattern FORMAT =
      Pattern.compile(
          "([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)/([a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?)");

  /** Why {@code output} is not a {@code <namespace>/<name>}, or empty when it is one. */
  public static Optional<String> validate(String output) {
    return output != null && FORMAT.matcher(output).matches()
        ? Optional.empty()
        : Optional.of(
            "Invalid output \"%s\" for OutputMode \"ExternalResource\": expected <namespace>/<name>"
                .formatted(output == null ? "" : output));
  }

  public static ExternalResourceName parse(String output) {
    validate(output)
        .ifPresent(
            why -> {
              throw new IllegalArgumentException(why);
            });
    int slash = output.indexOf('/');
    return new ExternalResourceName(output.substring(0, slash), output.substring(slash + 1));
  }
}
