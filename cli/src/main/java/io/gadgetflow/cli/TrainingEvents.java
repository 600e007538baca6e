package io.gadgetflow.cli;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.trace.GadgetLoader;
import io.gadgetflow.node.trace.LoadedGadget;
import io.gadgetflow.node.trace.SyntheticGadget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The gadgets of {@link NodeTraining}: each loaded gadget is a {@link SyntheticGadget} with a
 * thread of its own, as a loaded gadget has its ring reader, that writes opensnoop's or execsnoop's
 * events with the agent's JSON writer at a steady rate for a set time, from the moment the gadget
 * is loaded. From there on the events take the agent's own path: the trace's session, the event
 * queue, the event sender, Kafka's producer.
 */
final class TrainingEvents implements GadgetLoader {
  /** How often each thread hands over the events due, as a ring reader's pass takes a run. */
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private static final JsonName TIMESTAMP = JsonName.of("timestamp");
  private static final JsonName TYPE = JsonName.of("type");
  private static final JsonName MOUNT_NS_ID = JsonName.of("mountnsid");
  private static final JsonName PID = JsonName.of("pid");
  private static final JsonName PPID = JsonName.of("ppid");
  private static final JsonName UID = JsonName.of("uid");
  private static final JsonName COMM = JsonName.of("comm");
  private static final JsonName FD = JsonName.of("fd");
  private static final JsonName RET = JsonName.of("ret");
  private static final JsonName ERR = JsonName.of("err");
  private static final JsonName PATH = JsonName.of("path");
  private static final JsonName ARGS = JsonName.of("args");
  private static final JsonName NODE = JsonName.of("node");
  private static final JsonName NAMESPACE = JsonName.of("namespace");
  private static final JsonName POD = JsonName.of("pod");
  private static final JsonName CONTAINER = JsonName.of("container");

  private final long eventsPerSecond;
  private final Duration duration;
  private final List<Thread> emitters = new CopyOnWriteArrayList<>();

  /**
   * @param eventsPerSecond each gadget's rate
   * @param duration how long each gadget emits, from its loading
   */
  TrainingEvents(long eventsPerSecond, Duration duration) {
    this.eventsPerSecond = eventsPerSecond;
    this.duration = duration;
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
    SyntheticGadget gadget = new SyntheticGadget(program.descriptor().name(), sink, nodeName);
    emitters.add(
        Thread.ofPlatform().name("training-" + gadget.gadget()).start(() -> emitUntilDone(gadget)));
    return gadget;
  }

  /** Waits until every gadget loaded so far has emitted all its events, {@code count} at least. */
  void awaitEmitted(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (emitters.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the agent loaded " + emitters.size() + " of " + count + " gadgets");
      }
      Thread.sleep(10);
    }
    for (Thread emitter : emitters) {
      if (!emitter.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
        throw new IllegalStateException(emitter.getName() + " did not finish in time");
      }
    }
  }

  private void emitUntilDone(SyntheticGadget gadget) {
    boolean exec = gadget.gadget().equals(GadgetCatalog.EXECSNOOP.name());
    JsonEventWriter writer = new JsonEventWriter();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long emitted = 0;
    for (long tick = 1; !gadget.isClosed(); tick++) {
      long now = System.nanoTime();
      if (now > end) {
        return;
      }
      long due = (now - start) * eventsPerSecond / TimeUnit.SECONDS.toNanos(1);
      for (; emitted < due; emitted++) {
        Instant time = Instant.now();
        long epochNanos = time.getEpochSecond() * 1_000_000_000L + time.getNano();
        write(writer, exec, epochNanos, emitted, gadget.nodeName());
        gadget.emit(epochNanos, writer.buffer(), writer.length());
      }
      LockSupport.parkNanos(start + tick * TICK_NANOS - System.nanoTime());
    }
  }

  /** An event as the gadget's decoder and the agent's enrichment write it, with made-up values. */
  private static void write(
      JsonEventWriter out, boolean exec, long epochNanos, long sequence, String node) {
    out.beginObject();
    out.epochNanosField(TIMESTAMP, epochNanos);
    out.field(TYPE, "normal");
    out.field(MOUNT_NS_ID, 4026531841L);
    out.unsignedField(PID, 4096 + (int) (sequence & 0xfff));
    if (exec) {
      out.unsignedField(PPID, 4095);
    }
    out.unsignedField(UID, 0);
    out.field(COMM, exec ? "sh" : "storm");
    if (exec) {
      out.field(RET, -2);
      out.beginArrayField(ARGS);
      out.stringElement("/usr/local/bin/gf-training");
      out.stringElement("--sequence");
      out.stringElement(Long.toString(sequence));
      out.endArray();
    } else {
      out.field(FD, 3);
      out.field(RET, 3);
      out.field(ERR, 0);
      out.field(PATH, "/dev/null");
    }
    out.field(NODE, node);
    out.field(NAMESPACE, "");
    out.field(POD, "");
    out.field(CONTAINER, "");
    out.endObject();
  }
}
