package io.gadgetflow.bench.fleet;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.gadget.EventField;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.trace.GadgetLoader;
import io.gadgetflow.node.trace.LoadedGadget;
import io.gadgetflow.node.trace.SyntheticGadget;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The fleet's stand-in for eBPF: every gadget an agent loads is a {@link SyntheticGadget}, and one
 * thread makes up {@code ratePerTrace} events a second for each of them (each of its traces gets
 * every event, as a real gadget shared by traces gives them). An event has the gadget's fields from
 * the catalogue, with made-up values, and names its node; its timestamp is when it was made.
 */
final class SyntheticEvents implements GadgetLoader, AutoCloseable {
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final java.util.Set<String> COMMON =
      CommonEventFields.FIELDS.stream()
          .map(EventField::name)
          .collect(java.util.stream.Collectors.toSet());

  private final double ratePerTrace;
  private final List<SyntheticGadget> gadgets = new CopyOnWriteArrayList<>();
  private final AtomicLong emitted = new AtomicLong();
  private final Thread pacer;
  private volatile boolean closing;

  SyntheticEvents(double ratePerTrace) {
    this.ratePerTrace = ratePerTrace;
    this.pacer = Thread.ofPlatform().name("fleet-synthetic-events").start(this::pace);
  }

  @Override
  public LoadedGadget load(
      io.gadgetflow.node.gadget.GadgetProgram program,
      boolean filtered,
      int ringBufferBytes,
      io.gadgetflow.node.gadget.GadgetParameters parameters,
      io.gadgetflow.node.kafka.EventSink sink,
      String nodeName,
      io.gadgetflow.node.containers.ContainerRegistry containers) {
    SyntheticGadget gadget = new SyntheticGadget(program.descriptor().name(), sink, nodeName);
    gadgets.add(gadget);
    return gadget;
  }

  /** Events made up so far (each handed to every trace of its gadget). */
  long emitted() {
    return emitted.get();
  }

  /**
   * Every tick, each gadget gets the events due since the start at the rate, so a slow tick is made
   * up for by the next.
   */
  private void pace() {
    long start = System.nanoTime();
    long ticks = 0;
    long due = 0;
    while (!closing) {
      ticks++;
      LockSupport.parkNanos(start + ticks * TICK_NANOS - System.nanoTime());
      long nowDue = (long) ((System.nanoTime() - start) / 1e9 * ratePerTrace);
      long events = nowDue - due;
      due = nowDue;
      for (int i = 0; i < events; i++) {
        for (SyntheticGadget gadget : gadgets) {
          if (gadget.isClosed()) {
            gadgets.remove(gadget);
          } else {
            emitOne(gadget);
          }
        }
      }
    }
  }

  private void emitOne(SyntheticGadget gadget) {
    Instant now = Instant.now();
    long epochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    long sequence = emitted.incrementAndGet();
    gadget.emit(epochNanos, event(gadget, epochNanos, sequence));
  }

  /** The gadget's event fields with made-up values, then the common fields. */
  static byte[] event(SyntheticGadget gadget, long epochNanos, long sequence) {
    StringBuilder json = new StringBuilder(256).append('{');
    for (EventField field : GadgetCatalog.find(gadget.gadget()).orElseThrow().eventFields()) {
      if (COMMON.contains(field.name())) {
        continue;
      }
      json.append('"').append(field.name()).append("\":");
      switch (field.type()) {
        case STRING -> json.append("\"synthetic\"");
        case INT, UINT -> json.append(sequence % 65536);
        case BOOL -> json.append("false");
        case STRING_ARRAY -> json.append("[\"synthetic\",\"").append(sequence).append("\"]");
        case TIMESTAMP -> json.append(epochNanos);
      }
      json.append(',');
    }
    json.append("\"timestamp\":")
        .append(epochNanos)
        .append(",\"type\":\"normal\",\"mountnsid\":0,\"node\":\"")
        .append(gadget.nodeName())
        .append("\",\"namespace\":\"\",\"pod\":\"\",\"container\":\"\"}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    pacer.join();
  }
}
