package io.gadgetflow.api.health;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Watches the threads that carry one role's work (a node agent's event sender and ring readers, a
 * reader of a topic): the first of them to die makes the role failed, with the part and why, and
 * whoever runs the role ({@code gadgetflow node}, {@code gadgetflow up}) is told, turns {@code
 * /health} DOWN with the reason and exits non-zero, so that what runs the process (the DaemonSet, a
 * user's shell) starts it again. A role goes on with a dead part at its peril: the events or
 * operations that part carried would stop without a word. Safe to use from any thread.
 *
 * <p>Once the role began an orderly stop ({@link #stopping()}), a part that ends is no failure: a
 * stop closes the clients the parts use (a producer closed under a sender still waiting for an
 * unreachable broker, a consumer woken from its poll), and the part that then ends with an
 * exception ends because the role stops, not beside it. Counting it would turn a SIGTERM, a Ctrl-C
 * or a DaemonSet rollout into a crash (exit 70) whenever Kafka is unreachable.
 */
public final class Supervision {
  /**
   * @param part the thread that died, by name, e.g. {@code gadgetflow-event-sender}
   * @param cause what ended it
   */
  public record Failure(String part, Throwable cause) {
    /** One line for {@code /health} and the log. */
    public String reason() {
      return part + " died: " + cause;
    }
  }

  /** A role that reports the death of its parts. */
  public interface Supervised {
    Supervision supervision();
  }

  private final AtomicReference<Failure> first = new AtomicReference<>();
  private final List<Consumer<Failure>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean stopping;

  /**
   * Says that the role began an orderly stop: from now on no death counts. Called first thing by
   * the role's stop, before it closes anything its parts use.
   */
  public void stopping() {
    stopping = true;
  }

  /** Reports that a part died; only the first death is told, and none after {@link #stopping()}. */
  public void died(String part, Throwable cause) {
    if (stopping) {
      return;
    }
    Failure failure = new Failure(part, cause);
    if (first.compareAndSet(null, failure)) {
      listeners.forEach(listener -> listener.accept(failure));
    }
  }

  /** A thread's handler for what ends it: reports the thread by its name. */
  public void uncaught(Thread thread, Throwable cause) {
    died(thread.getName(), cause);
  }

  /** The first part that died, if any did. */
  public Optional<Failure> failure() {
    return Optional.ofNullable(first.get());
  }

  /**
   * Tells {@code listener} of the first death, on the dying thread; at once when a part already
   * died.
   */
  public void onFailure(Consumer<Failure> listener) {
    listeners.add(listener);
    Failure already = first.get();
    if (already != null) {
      listeners.remove(listener);
      listener.accept(already);
    }
  }
}
