package io.gadgetflow.web.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers answers of the API server for a short time, so a dashboard that refreshes every few
 * seconds does not cost a TokenReview and a SubjectAccessReview per request. At most {@code
 * maxEntries} answers are kept, the least recently used leaving first. Used from one event loop
 * only, so it needs no locking.
 */
final class ExpiringCache<K, V> {
  private record Remembered<V>(V value, Instant expires) {}

  private final Duration timeToLive;
  private final Clock clock;
  private final Map<K, Remembered<V>> entries;

  ExpiringCache(Duration timeToLive, int maxEntries, Clock clock) {
    this.timeToLive = timeToLive;
    this.clock = clock;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, Remembered<V>> eldest) {
            return size() > maxEntries;
          }
        };
  }

  Optional<V> get(K key) {
    Remembered<V> entry = entries.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(entry.expires())) {
      entries.remove(key);
      return Optional.empty();
    }
    return Optional.of(entry.value());
  }

  void put(K key, V value) {
    entries.put(key, new Remembered<>(value, clock.instant().plus(timeToLive)));
  }
}
