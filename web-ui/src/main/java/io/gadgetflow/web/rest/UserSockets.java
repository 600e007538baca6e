package io.gadgetflow.web.rest;

import io.gadgetflow.web.http.ApiException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many event websockets each user holds open, each with the Kafka reads of its replay and its
 * queue: one user, or one leaked token, cannot take all of the web UI's memory and Kafka reads from
 * the others. A user is the name the API server knows them by.
 */
final class UserSockets {
  private final int perUser;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  UserSockets(int perUser) {
    this.perUser = perUser;
  }

  /**
   * Takes one of {@code user}'s slots, or throws a 429 when they hold them all.
   *
   * @return gives the slot back; running it again does nothing
   */
  Runnable take(String user) {
    Integer held = open.compute(user, (name, count) -> count == null ? 1 : count + 1);
    if (held > perUser) {
      release(user);
      throw ApiException.tooMany(
          "%s has %d event streams open, as many as one user may; close one first"
              .formatted(user, perUser));
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        release(user);
      }
    };
  }

  private void release(String user) {
    open.computeIfPresent(user, (name, count) -> count == 1 ? null : count - 1);
  }
}
