package io.gadgetflow.node.gadget;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.bpf.RingBufferReader;
import io.gadgetflow.node.bpf.RingRecordHandler;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Reads a running gadget's events on a platform thread of its own, as the node agent does, and
 * keeps them as parsed JSON for assertions.
 */
public final class EventCollector {
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);

  private final List<JsonNode> events = new CopyOnWriteArrayList<>();
  private final Thread thread;

  private EventCollector(RunningGadget gadget, String threadName) {
    EventDecoder decoder = gadget.decoder();
    JsonEventWriter out = new JsonEventWriter();
    this.thread =
        Thread.ofPlatform()
            .name(threadName)
            .start(
                () -> {
                  RingRecordHandler handler =
                      (ring, offset, length) -> collect(decoder, out, ring, offset, length);
                  while (gadget.events().poll(handler, 1000) != RingBufferReader.CLOSED) {
                    // Each poll hands its records to the handler.
                  }
                });
  }

  public static EventCollector start(RunningGadget gadget, String threadName) {
    return new EventCollector(gadget, threadName);
  }

  /** Waits until {@code count} events match; fails the test if they do not come in time. */
  public List<JsonNode> await(Predicate<JsonNode> matching, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (System.nanoTime() < deadline) {
      List<JsonNode> matched = matching(matching);
      if (matched.size() >= count) {
        return matched;
      }
      Thread.sleep(5);
    }
    throw new AssertionError(
        "expected " + count + " matching events, got " + matching(matching) + " among " + events);
  }

  public List<JsonNode> matching(Predicate<JsonNode> matching) {
    return events.stream().filter(matching).toList();
  }

  /** Waits for the reading thread to end, which it does once its gadget is closed. */
  public boolean awaitStopped() throws InterruptedException {
    return thread.join(Duration.ofSeconds(10));
  }

  private void collect(
      EventDecoder decoder, JsonEventWriter out, MemorySegment ring, long offset, int length) {
    if (decoder.decode(ring, offset, length, out)) {
      out.endObject();
      events.add(EventRecords.parse(out));
    }
  }
}
