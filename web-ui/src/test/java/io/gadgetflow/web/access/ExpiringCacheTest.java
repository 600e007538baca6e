package io.gadgetflow.web.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ExpiringCacheTest {
  Instant now = Instant.parse("2026-11-25T10:00:00Z");
  final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  @Test
  void answersAreForgottenWhenTheirTimeIsUp() {
    ExpiringCache<String, Boolean> cache = new ExpiringCache<>(Duration.ofSeconds(10), 10, clock);
    cache.put("alice", true);

    now = now.plusSeconds(9);
    assertThat(cache.get("alice")).contains(true);
    now = now.plusSeconds(1);
    assertThat(cache.get("alice")).isEmpty();
  }

  @Test
  void theLeastRecentlyUsedAnswerLeavesWhenFull() {
    ExpiringCache<String, Integer> cache = new ExpiringCache<>(Duration.ofMinutes(1), 2, clock);
    cache.put("a", 1);
    cache.put("b", 2);
    cache.get("a");
    cache.put("c", 3);

    assertThat(cache.get("a")).contains(1);
    assertThat(cache.get("b")).isEmpty();
    assertThat(cache.get("c")).contains(3);
  }
}
