package io.gadgetflow.faults;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.StatusOutput;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.trace.GadgetLoader;
import io.gadgetflow.node.trace.LoadedGadget;
import io.gadgetflow.node.trace.SyntheticGadget;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The fault suite's stand-in for eBPF: a steady {@code ratePerSecond} events, numbered from 0, made
 * up and handed to every gadget the agent loaded, through the agent's own path from there on (its
 * trace sessions, event sink and Kafka producer), so that a reader of the events topic can tell
 * which arrived, which twice and which never. A gadget with a result (a profile's report, an
 * advisor's profile) gathers one from the events it was handed: {@link #result}.
 */
public final class NumberedEvents implements GadgetLoader, AutoCloseable {
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** The profile the made-up seccomp advisor writes, whatever it was handed. */
  public static final String SECCOMP_PROFILE =
      "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
          + "\"syscalls\":[{\"names\":[\"execve\"],\"action\":\"SCMP_ACT_ALLOW\"}]}";

  private final double ratePerSecond;
  private final String node;
  private final List<SyntheticGadget> gadgets = new CopyOnWriteArrayList<>();
  private final long firstSequence;
  private final AtomicLong emitted = new AtomicLong();
  private final Thread pacer;
  private volatile boolean emitting = true;
  private final CountDownLatch emittingStopped = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile CountDownLatch resultsHeld = new CountDownLatch(0);

  public NumberedEvents(double ratePerSecond, String node) {
    this(ratePerSecond, node, 0);
  }

  /**
   * @param firstSequence the number of the first event: a restarted agent's events are numbered
   *     apart from those of the agent before it
   */
  public NumberedEvents(double ratePerSecond, String node, long firstSequence) {
    this.ratePerSecond = ratePerSecond;
    this.node = node;
    this.firstSequence = firstSequence;
    this.pacer = Thread.ofPlatform().name("faults-numbered-events").start(this::pace);
  }

  @Override
  public LoadedGadget load(
      GadgetProgram program,
      boolean filtered,
      int ringBufferBytes,
      GadgetParameters parameters,
      EventSink sink,
      String nodeName,
      ContainerRegistry containers) {
    String name = program.descriptor().name();
    long emittedBefore = emitted.get();
    SyntheticGadget gadget =
        new SyntheticGadget(
            name,
            sink,
            nodeName,
            () -> {
              awaitResults();
              return result(name, emitted.get() - emittedBefore);
            });
    gadgets.add(gadget);
    return gadget;
  }

  /**
   * From now until {@link #releaseResults()}, reading a gadget's result (on a stop of a profile, a
   * generate) waits, as the reading of a large report does: the answer is held back meanwhile.
   */
  public void holdResults() {
    resultsHeld = new CountDownLatch(1);
  }

  public void releaseResults() {
    resultsHeld.countDown();
  }

  private void awaitResults() {
    try {
      resultsHeld.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * What the made-up {@code gadget} gathered from {@code events} handed to it: biolatency's
   * histogram, all of them in its first interval; seccomp's {@link #SECCOMP_PROFILE}; nothing for
   * the others, which have no result.
   */
  public static Optional<StatusOutput.Result> result(String gadget, long events) {
    if (gadget.equals(GadgetCatalog.BIOLATENCY.name())) {
      return Optional.of(
          StatusOutput.Result.of(
              "{\"valType\":\"usecs\",\"data\":[{\"count\":%d,\"intervalStart\":0,\"intervalEnd\":1}]}"
                  .formatted(events)));
    }
    return gadget.equals(GadgetCatalog.SECCOMP.name())
        ? Optional.of(StatusOutput.Result.of(SECCOMP_PROFILE))
        : Optional.empty();
  }

  /** Events handed to the gadgets so far, each number once, from the first sequence on. */
  public long emitted() {
    return emitted.get();
  }

  /**
   * Emits no more events, and returns once the last one is handed over: {@link #emitted()} is final
   * from then on (an event being emitted when the flag turned would otherwise be counted after it
   * was read, and arrive as one more than was produced).
   */
  public void stop() throws InterruptedException {
    emitting = false;
    emittingStopped.await();
  }

  /**
   * Emits the events due since the start at every tick (nothing while no gadget is loaded) until
   * {@link #stop()}; until {@link #close()}, has each gadget warn of its traces' losses, as a
   * loaded gadget's reader does after every read of its ring, with events or without.
   */
  private void pace() {
    long start = System.nanoTime();
    long ticks = 0;
    long due = 0;
    while (!closed) {
      ticks++;
      LockSupport.parkNanos(start + ticks * TICK_NANOS - System.nanoTime());
      long nowDue = (long) ((System.nanoTime() - start) / 1e9 * ratePerSecond);
      long events = nowDue - due;
      due = nowDue;
      for (long i = 0; i < events && emitting && !gadgets.isEmpty(); i++) {
        emitOne();
      }
      if (!emitting) {
        emittingStopped.countDown();
      }
      gadgets.forEach(SyntheticGadget::warnAboutLosses);
    }
    emittingStopped.countDown();
  }

  private void emitOne() {
    long sequence = firstSequence + emitted.get();
    long epochNanos = System.currentTimeMillis() * 1_000_000L;
    byte[] json =
        ("{\"timestamp\":%d,\"type\":\"normal\",\"seq\":%d,\"node\":\"%s\"}"
                .formatted(epochNanos, sequence, node))
            .getBytes(StandardCharsets.UTF_8);
    for (SyntheticGadget gadget : gadgets) {
      gadget.emit(epochNanos, json);
    }
    emitted.incrementAndGet();
  }

  @Override
  public void close() throws InterruptedException {
    releaseResults();
    stop();
    closed = true;
    pacer.join();
  }
}
