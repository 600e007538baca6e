package io.gadgetflow.api.trace;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Which containers a Trace looks at. An empty field is a wildcard; every given field must match.
 *
 * @param namespace pod namespace, or a comma-separated list of them
 * @param podname pod name (lower-case {@code n}, as in Inspektor Gadget)
 * @param containerName container name within the pod
 * @param labels pod labels that must all be present with these values
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TraceFilter(
    @JsonProperty("namespace") String namespace,
    @JsonProperty("podname") String podname,
    @JsonProperty("containerName") String containerName,
    @JsonProperty("labels") Map<String, String> labels) {

  public TraceFilter {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** True when the filter selects every container, host processes included. */
  @JsonIgnore
  public boolean isEmpty() {
    return isBlank(namespace) && isBlank(podname) && isBlank(containerName) && labels.isEmpty();
  }

  /** The namespaces named by {@link #namespace()}, empty when it is a wildcard. */
  @JsonIgnore
  public List<String> namespaces() {
    if (isBlank(namespace)) {
      return List.of();
    }
    return Arrays.stream(namespace.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
