package io.gadgetflow.node.kafka;

import io.gadgetflow.api.kafka.Losses;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.Callback;

/**
 * The events waiting for Kafka: a ring of bytes in native memory, bounded in bytes, with the rule
 * that keeps one trace from taking all of it (see {@link EventSink}).
 *
 * <p>Outside the Java heap because a backlog used to be the heap's undoing: events that waited in
 * an on-heap queue outlived young collections, filled the old generation, and the serial
 * collector's full collections (130 to 607 ms, one every one to two seconds at 400,000 events/s)
 * stopped the ring reader and the sender while the storm went on (docs/benchmarks.md,
 * "2026-12-07"). Here an event is copied in by its reader and out by the sender, and only the
 * sender's few events on their way into Kafka's producer live on the heap.
 *
 * <p>Written like the BPF ring buffer that libbpf reads. Two positions count the bytes ever written
 * and ever read; a record starts at a multiple of 8 and may wrap around the end. The producer
 * writes a record, then publishes the producer position with a release store; the consumer reads
 * the producer position with an acquire load, so every record before it is whole, reads them, and
 * publishes the consumer position with a release store; the producer reads that with an acquire
 * load before it reuses the bytes, so the consumer is done with them. Several threads produce (the
 * ring reader of each loaded gadget, and the trace operations' warnings), so producers take turns
 * under a lock, as the kernel's do under a spin lock; one sender consumes, and the close's failing
 * of what is left takes turns with it under a second lock, never held across a send. Unlike the
 * kernel's ring, an empty queue starts again at the ring's beginning: the native memory it makes
 * resident is as deep as its deepest backlog, some hundred kilobytes while Kafka keeps up.
 *
 * <p>A record: its JSON's length (int), its stream's slot and whether it is a warning (int), the
 * event's id (long), its time (long), then the JSON. A stream holds a slot in {@link #slots} while
 * it has records queued; a slot whose stream has none left is reused.
 */
final class EventQueue implements AutoCloseable {
  /** The bytes of a record before its JSON. */
  static final int HEADER_BYTES = 24;

  private static final int ALIGNMENT = 8;
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

  /** The positions, each on a cache line of its own: the two sides write one each. */
  private static final long CONSUMER_POSITION = 0;

  private static final long PRODUCER_POSITION = 64;

  private final Arena arena = Arena.ofShared();
  private final MemorySegment positions;
  private final MemorySegment data;
  private final long capacity;
  private final ReentrantLock producers = new ReentrantLock();
  private final ReentrantLock consumers = new ReentrantLock();

  /**
   * Under {@link #producers}. The sender reads it without the lock: a slot is set, and the array
   * replaced when it grows, before the record that names it is published, and a slot is reused only
   * once the sender has taken its stream's last record.
   */
  private EventStream[] slots = new EventStream[8];

  /** An event taken from the queue, on its way into Kafka's producer. */
  record QueuedEvent(EventStream stream, long id, long epochNanos, byte[] json, Callback outcome) {}

  /**
   * Where the producer last went on at the ring's beginning instead of at its position ({@link
   * #restartAtTheBeginning}), and where it went on: written under {@link #producers} while nothing
   * is queued, before the next record is published; read by the consumer after that record's
   * publication. No other restart can come before the consumer has passed this one, since the queue
   * is not empty until it has.
   */
  private long restartFrom = -1;

  private long restartTo = -1;

  /** Under {@link #producers}: how far into the ring records ever reached. */
  private long deepestBytes;

  /** Under {@link #producers}: once set, nothing more is queued. */
  private boolean closed;

  /**
   * @param capacityBytes the most bytes of records (each {@link #recordBytes} of its JSON); rounded
   *     down to a multiple of 8
   */
  EventQueue(long capacityBytes) {
    this.capacity = capacityBytes / ALIGNMENT * ALIGNMENT;
    this.positions = arena.allocate(2 * 64, 64);
    this.data = arena.allocate(Math.max(capacity, ALIGNMENT), ALIGNMENT);
  }

  /** What an event of {@code jsonBytes} of JSON takes of the queue's bound. */
  static long recordBytes(int jsonBytes) {
    return (HEADER_BYTES + (long) jsonBytes + ALIGNMENT - 1) & -ALIGNMENT;
  }

  /**
   * Queues one of {@code stream}'s events, or a warning if {@code warning} is not null (the lost
   * events it tells of, {@link Losses#NONE} for none), the first {@code length} bytes of {@code
   * json}, with the stream's next id, unless the queue is full or, while it is more than three
   * quarters full, the stream holds more than half of what is queued.
   *
   * @return false when refused (or closed); the event is then the caller's to count as lost
   */
  boolean offer(EventStream stream, Losses warning, long epochNanos, byte[] json, int length) {
    long bytes = recordBytes(length);
    producers.lock();
    try {
      if (closed) {
        return false;
      }
      long producerPosition = (long) LONG.get(positions, PRODUCER_POSITION);
      long consumerPosition = (long) LONG.getAcquire(positions, CONSUMER_POSITION);
      if (consumerPosition == restartFrom) {
        // The skipped bytes were never queued.
        consumerPosition = restartTo;
      }
      long queued = producerPosition - consumerPosition + bytes;
      long streamQueued = stream.queuedBytes.get() + bytes;
      if (queued > capacity || (queued > capacity / 4 * 3 && streamQueued > queued / 2)) {
        return false;
      }
      int slot = slotOf(stream);
      long id = stream.nextId();
      // Counted before it is queued: the sender may send it, and Kafka answer, at once.
      stream.queued();
      if (warning != null) {
        stream.warningQueued(id, warning);
      }
      stream.queuedBytes.addAndGet(bytes);
      long at = producerPosition;
      if (at == consumerPosition && offset(at) != 0) {
        at = restartAtTheBeginning(at);
      }
      data.set(
          ValueLayout.JAVA_LONG,
          offset(at),
          (long) slot << 33 | (warning != null ? 1L << 32 : 0) | length);
      data.set(ValueLayout.JAVA_LONG, offset(at + 8), id);
      data.set(ValueLayout.JAVA_LONG, offset(at + 16), epochNanos);
      long jsonOffset = offset(at + HEADER_BYTES);
      int first = (int) Math.min(length, data.byteSize() - jsonOffset);
      MemorySegment.copy(json, 0, data, ValueLayout.JAVA_BYTE, jsonOffset, first);
      MemorySegment.copy(json, first, data, ValueLayout.JAVA_BYTE, 0, length - first);
      // Volatile rather than release: also the store half of the handshake with an idle sender
      // (EventSink.waitForEvents), whose flag the offer reads next.
      deepestBytes = Math.max(deepestBytes, Math.min(offset(at) + bytes, data.byteSize()));
      LONG.setVolatile(positions, PRODUCER_POSITION, at + bytes);
      return true;
    } finally {
      producers.unlock();
    }
  }

  /**
   * Moves up to {@code max} events into {@code into}, oldest first, and frees their bytes.
   *
   * @return how many
   */
  int take(List<QueuedEvent> into, int max) {
    consumers.lock();
    try {
      if (!arena.scope().isAlive()) {
        return 0;
      }
      long at = (long) LONG.get(positions, CONSUMER_POSITION);
      long end = (long) LONG.getAcquire(positions, PRODUCER_POSITION);
      int taken = 0;
      while (taken < max && at < end) {
        if (at == restartFrom) {
          at = restartTo;
        }
        long lengthAndSlot = data.get(ValueLayout.JAVA_LONG, offset(at));
        int length = (int) lengthAndSlot;
        EventStream stream = slots[(int) (lengthAndSlot >>> 33)];
        long id = data.get(ValueLayout.JAVA_LONG, offset(at + 8));
        long epochNanos = data.get(ValueLayout.JAVA_LONG, offset(at + 16));
        byte[] json = new byte[length];
        long jsonOffset = offset(at + HEADER_BYTES);
        int first = (int) Math.min(length, data.byteSize() - jsonOffset);
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, jsonOffset, json, 0, first);
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, json, first, length - first);
        Callback outcome = (lengthAndSlot & 1L << 32) != 0 ? stream.warningOutcome(id) : stream;
        into.add(new QueuedEvent(stream, id, epochNanos, json, outcome));
        at += recordBytes(length);
        taken++;
      }
      LONG.setRelease(positions, CONSUMER_POSITION, at);
      freeStreamShares(into, into.size() - taken);
      return taken;
    } finally {
      consumers.unlock();
    }
  }

  /**
   * How far into the ring records ever reached: the bytes of native memory the queue has made
   * resident.
   */
  long deepestBytes() {
    producers.lock();
    try {
      return deepestBytes;
    } finally {
      producers.unlock();
    }
  }

  /** Whether nothing is queued; volatile, for the sender's handshake (see {@link #offer}). */
  boolean isEmpty() {
    return (long) LONG.getVolatile(positions, PRODUCER_POSITION)
        == (long) LONG.getVolatile(positions, CONSUMER_POSITION);
  }

  /** Refuses every offer from now on; what is queued can still be taken. */
  void refuseOffers() {
    producers.lock();
    try {
      closed = true;
    } finally {
      producers.unlock();
    }
  }

  /**
   * Refuses every offer from now on and gives the memory back; what is still queued is lost, so the
   * caller {@link #take takes} it first. Call only once the sender no longer takes events.
   */
  @Override
  public void close() {
    producers.lock();
    consumers.lock();
    try {
      closed = true;
      if (arena.scope().isAlive()) {
        arena.close();
      }
    } finally {
      consumers.unlock();
      producers.unlock();
    }
  }

  /** Takes each run of one stream's events, once read, off that stream's share of the queue. */
  private static void freeStreamShares(List<QueuedEvent> taken, int from) {
    EventStream runStream = null;
    long runBytes = 0;
    for (int i = from; i < taken.size(); i++) {
      QueuedEvent event = taken.get(i);
      if (event.stream() != runStream) {
        if (runStream != null) {
          runStream.queuedBytes.addAndGet(-runBytes);
        }
        runStream = event.stream();
        runBytes = 0;
      }
      runBytes += recordBytes(event.json().length);
    }
    if (runStream != null) {
      runStream.queuedBytes.addAndGet(-runBytes);
    }
  }

  /** The stream's slot, under {@link #producers}: its own, a free one, or a new one. */
  private int slotOf(EventStream stream) {
    if (stream.queueSlot >= 0) {
      return stream.queueSlot;
    }
    int free = -1;
    for (int i = 0; i < slots.length; i++) {
      EventStream holder = slots[i];
      if (holder == null || holder.queuedBytes.get() == 0) {
        // No record of the holder is queued, and none can be before the holder has a slot again.
        if (holder != null) {
          holder.queueSlot = -1;
          slots[i] = null;
        }
        free = free < 0 ? i : free;
      }
    }
    if (free < 0) {
      free = slots.length;
      EventStream[] grown = new EventStream[slots.length * 2];
      System.arraycopy(slots, 0, grown, 0, slots.length);
      slots = grown;
    }
    slots[free] = stream;
    stream.queueSlot = free;
    return free;
  }

  /**
   * While the queue is empty, the next record goes at the ring's beginning rather than where the
   * last one ended: the memory the queue touches (resident from then on, as every page once
   * written) is then as deep as its deepest backlog, not all of the ring once it has come round. At
   * 50,000 events/s the sender empties the queue every few milliseconds, and some hundred kilobytes
   * are all it ever touches.
   *
   * @return the position of the next record: the next round's beginning
   */
  private long restartAtTheBeginning(long position) {
    restartFrom = position;
    restartTo = position - offset(position) + data.byteSize();
    return restartTo;
  }

  private long offset(long position) {
    return position % data.byteSize();
  }
}
