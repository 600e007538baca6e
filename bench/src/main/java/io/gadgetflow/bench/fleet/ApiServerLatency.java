package io.gadgetflow.bench.fleet;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long the API server itself took over its requests on Traces, and etcd under it, from their
 * own histograms ({@code apiserver_request_duration_seconds}, {@code
 * etcd_request_duration_seconds}): the server's time from receiving a request to answering it,
 * without the client's queueing before it and the watch's delay after it. By {@code apiserver VERB
 * subresource} and {@code etcd operation}; only differences between two readings mean anything.
 */
final class ApiServerLatency {
  private static final Pattern API_BUCKET =
      Pattern.compile(
          "apiserver_request_duration_seconds_bucket\\{(?=.*resource=\"traces\")"
              + "(?=.*subresource=\"(\\w*)\")(?=.*verb=\"(\\w+)\")(?=.*le=\"([^\"]+)\").*\\} (\\d+)");
  private static final Pattern ETCD_BUCKET =
      Pattern.compile(
          "etcd_request_duration_seconds_bucket\\{(?=.*resource=\"traces\")"
              + "(?=.*operation=\"(\\w+)\")(?=.*le=\"([^\"]+)\").*\\} (\\d+)");

  /** Cumulative counts by upper bound in seconds (+Inf last), as Prometheus gives them. */
  record Histogram(TreeMap<Double, Long> cumulative) {
    long count() {
      return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
    }

    Histogram minus(Histogram before) {
      TreeMap<Double, Long> made = new TreeMap<>();
      cumulative.forEach(
          (le, count) -> made.put(le, count - before.cumulative.getOrDefault(le, 0L)));
      return new Histogram(made);
    }

    /** The upper bound of the bucket that holds the {@code percent} percentile, in ms. */
    double percentileMillis(double percent) {
      long total = count();
      if (total == 0) {
        return Double.NaN;
      }
      long rank = (long) Math.ceil(percent / 100.0 * total);
      for (Map.Entry<Double, Long> bucket : cumulative.entrySet()) {
        if (bucket.getValue() >= rank) {
          return bucket.getKey() * 1000;
        }
      }
      return Double.POSITIVE_INFINITY;
    }

    @Override
    public String toString() {
      return "%d requests, p50 <= %s, p99 <= %s"
          .formatted(count(), bound(percentileMillis(50)), bound(percentileMillis(99)));
    }

    private static String bound(double millis) {
      return Double.isInfinite(millis) ? "+Inf" : "%.0f ms".formatted(millis);
    }
  }

  private ApiServerLatency() {}

  static Map<String, Histogram> read(KubernetesClient client) {
    Map<String, Histogram> histograms = new TreeMap<>();
    for (String line : client.raw("/metrics").split("\n")) {
      Matcher api = API_BUCKET.matcher(line);
      if (api.matches()) {
        add(
            histograms,
            "apiserver %s %s".formatted(api.group(2), api.group(1).isEmpty() ? "-" : api.group(1)),
            api.group(3),
            api.group(4));
        continue;
      }
      Matcher etcd = ETCD_BUCKET.matcher(line);
      if (etcd.matches()) {
        add(histograms, "etcd " + etcd.group(1), etcd.group(2), etcd.group(3));
      }
    }
    return histograms;
  }

  /** {@code after} less {@code before}: the requests made in between. */
  static Map<String, Histogram> since(Map<String, Histogram> before, Map<String, Histogram> after) {
    Map<String, Histogram> made = new TreeMap<>();
    after.forEach(
        (key, histogram) -> {
          Histogram delta = before.containsKey(key) ? histogram.minus(before.get(key)) : histogram;
          if (delta.count() > 0) {
            made.put(key, delta);
          }
        });
    return made;
  }

  private static void add(Map<String, Histogram> histograms, String key, String le, String count) {
    double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    histograms
        .computeIfAbsent(key, k -> new Histogram(new TreeMap<>()))
        .cumulative()
        .merge(bound, Long.parseLong(count), Long::sum);
  }
}
