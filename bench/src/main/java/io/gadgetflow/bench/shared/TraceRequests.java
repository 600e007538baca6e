package io.gadgetflow.bench.shared;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the API server was asked about Traces, from its own apiserver_request_total counters: by
 * {@code verb subresource code} (subresource {@code -} for the Trace itself), since it started.
 */
public final class TraceRequests {
  private static final Pattern REQUEST =
      Pattern.compile(
          "apiserver_request_total\\{(?=.*resource=\"traces\")(?=.*code=\"(\\d+)\")"
              + "(?=.*subresource=\"(\\w*)\")(?=.*verb=\"(\\w+)\").*\\} (\\d+)");

  private TraceRequests() {}

  public static Map<String, Long> count(KubernetesClient client) {
    Map<String, Long> counts = new TreeMap<>();
    for (String line : client.raw("/metrics").split("\n")) {
      Matcher matched = REQUEST.matcher(line);
      if (matched.matches()) {
        counts.merge(
            "%s %s %s"
                .formatted(
                    matched.group(3),
                    matched.group(2).isEmpty() ? "-" : matched.group(2),
                    matched.group(1)),
            Long.parseLong(matched.group(4)),
            Long::sum);
      }
    }
    return counts;
  }

  /** {@code after} less {@code before}, for the requests made in between. */
  public static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> made = new TreeMap<>();
    after.forEach(
        (request, count) -> {
          long delta = count - before.getOrDefault(request, 0L);
          if (delta > 0) {
            made.put(request, delta);
          }
        });
    return made;
  }
}
