package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads a {@code BPF_MAP_TYPE_RINGBUF} map straight from its memory mapping, as libbpf's
 * ring_buffer does: the consumer position page is mapped read-write, the producer position page and
 * the data area read-only, the data area twice in a row so that a record wrapping the end of the
 * ring is contiguous in memory.
 *
 * <p>One thread reads ({@link #poll} or {@link #drain}); it should be a platform thread, because
 * {@code epoll_wait} blocks it in native code. Any thread may {@link #close()}: that wakes a
 * blocked reader, waits for it to return, then unmaps the ring.
 */
public final class RingBufferReader implements AutoCloseable {
  /** What {@link #poll} and {@link #drain} return once the reader is closed. */
  public static final int CLOSED = -1;

  /**
   * A record starts with an 8-byte header: a length word, whose top bit says the producer has not
   * committed it yet (so a busy header is negative) and whose next bit says it was discarded, then
   * a page offset only the kernel uses. Records, header included, are 8-byte aligned.
   */
  private static final int DISCARD_BIT = 1 << 30;

  private static final int LENGTH_MASK = DISCARD_BIT - 1;
  private static final int HEADER_BYTES = 8;
  private static final int ALIGNMENT_MASK = 7;

  /**
   * Clears the flag bits and aligns in one step. Reading a ring is bound by the latency of the
   * chain from one header load to the address of the next, so that chain is kept short.
   */
  private static final long STEP_MASK = LENGTH_MASK & ~ALIGNMENT_MASK;

  private static final VarHandle LONG = JAVA_LONG.varHandle();
  private static final VarHandle INT = JAVA_INT.varHandle();

  private static final long EPOLL_EVENT_BYTES = NativeArchitecture.current().epollEventBytes();

  private static final int EVENTS_PER_WAIT = 2;

  private final long dataBytes;
  private final long positionMask;
  private final Arena arena = Arena.ofShared();
  private final ReentrantLock readLock = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The most unread bytes a read found when it began, since {@link #takePeakFill()} last ran. */
  private final AtomicLong peakBacklogBytes = new AtomicLong();

  private long consumerPageAddress;
  private long producerMappingAddress;
  private MemorySegment consumerPage;
  private MemorySegment producerPage;
  private MemorySegment data;
  private int epollFd = -1;
  private int wakeupFd = -1;
  private MemorySegment readyEvents;
  private MemorySegment wakeupIncrement;

  /** The reader's copy of what it last published as consumer_pos; only the reader writes it. */
  private long consumerPosition;

  private boolean releaseWhenReadReturns;
  private boolean released;

  private RingBufferReader(int ringFd, long dataBytes) {
    this.dataBytes = dataBytes;
    this.positionMask = dataBytes - 1;
    try {
      long pageSize = Libc.PAGE_SIZE;
      consumerPageAddress =
          SyscallException.check(
              Libc.mmap(pageSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, ringFd, 0),
              "mmap of the ring's consumer page");
      long producerMappingBytes = pageSize + 2 * dataBytes;
      producerMappingAddress =
          SyscallException.check(
              Libc.mmap(producerMappingBytes, Libc.PROT_READ, Libc.MAP_SHARED, ringFd, pageSize),
              "mmap of the ring's producer page and data");
      // These segments belong to no arena: the read lock is what keeps reads and munmap apart.
      consumerPage = MemorySegment.ofAddress(consumerPageAddress).reinterpret(pageSize);
      producerPage = MemorySegment.ofAddress(producerMappingAddress).reinterpret(pageSize);
      data = MemorySegment.ofAddress(producerMappingAddress + pageSize).reinterpret(2 * dataBytes);
      consumerPosition = (long) LONG.getAcquire(consumerPage, 0L);

      epollFd = SyscallException.check(Libc.epollCreate1(Libc.EPOLL_CLOEXEC), "epoll_create1");
      wakeupFd =
          SyscallException.check(Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC), "eventfd");
      watch(ringFd);
      watch(wakeupFd);
      readyEvents = arena.allocate(EPOLL_EVENT_BYTES * EVENTS_PER_WAIT, 8);
      wakeupIncrement = arena.allocate(JAVA_LONG);
      wakeupIncrement.set(JAVA_LONG, 0, 1L);
    } catch (RuntimeException e) {
      release();
      throw e;
    }
  }

  /** Maps a loaded ring buffer map for reading. */
  public static RingBufferReader open(BpfMap ring) {
    if (ring.type() != BpfMap.TYPE_RINGBUF) {
      throw new IllegalArgumentException("map " + ring.name() + " is not a ring buffer");
    }
    return new RingBufferReader(ring.fd(), Integer.toUnsignedLong(ring.maxEntries()));
  }

  /** The size of the ring's data area in bytes. */
  public long capacityBytes() {
    return dataBytes;
  }

  /**
   * How full the ring was at most, from 0 to 1, when the reader looked since the previous call;
   * resets that peak. Any thread may call it, before or after {@link #close()}.
   */
  public double takePeakFill() {
    return (double) peakBacklogBytes.getAndSet(0) / dataBytes;
  }

  /**
   * Hands over every record committed so far; when there is none, waits up to {@code timeoutMillis}
   * (-1: forever, until {@link #close()}) for some and hands those over. Returns only once a pass
   * over the ring finds nothing new, so a handler's periodic work belongs in {@link
   * RingRecordHandler#onBatchEnd()}.
   *
   * @return the number of records handed over (0 when the wait timed out), or {@link #CLOSED}
   */
  public int poll(RingRecordHandler handler, int timeoutMillis) {
    readLock.lock();
    try {
      if (closed.get()) {
        return CLOSED;
      }
      int delivered = noteBacklogThenConsume(handler);
      if (delivered > 0) {
        return delivered;
      }
      int ready = Libc.epollWait(epollFd, readyEvents, EVENTS_PER_WAIT, timeoutMillis);
      if (ready < 0 && ready != -Libc.EINTR) {
        throw new SyscallException("epoll_wait", -ready);
      }
      return closed.get() ? CLOSED : noteBacklogThenConsume(handler);
    } finally {
      readReturns();
    }
  }

  /**
   * Hands over every record committed so far, without waiting; like {@link #poll}, it returns once
   * a pass finds nothing new.
   *
   * @return the number of records handed over, or {@link #CLOSED}
   */
  public int drain(RingRecordHandler handler) {
    readLock.lock();
    try {
      return closed.get() ? CLOSED : noteBacklogThenConsume(handler);
    } finally {
      readReturns();
    }
  }

  /**
   * The bytes the kernel has reserved in the ring since it was created, records' headers included:
   * it moves with every record a program submits or discards, whether it was read or not. Call it
   * from the reading thread, or while no thread reads or closes.
   */
  public long producerPosition() {
    if (closed.get()) {
      throw new IllegalStateException("the ring buffer reader is closed");
    }
    return (long) LONG.getAcquire(producerPage, 0L);
  }

  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Wakes a blocked reader, waits until it has returned, and unmaps the ring. From inside a
   * handler, the ring is unmapped when the reader's call returns. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long written = Libc.write(wakeupFd, wakeupIncrement);
    if (readLock.isHeldByCurrentThread()) {
      releaseWhenReadReturns = true;
      return;
    }
    readLock.lock();
    try {
      release();
    } finally {
      readLock.unlock();
    }
    SyscallException.check(written, "write to the reader's eventfd");
  }

  /**
   * Samples the backlog once per call, outside {@link #consume}: inside its loop, even this little
   * code made the JIT compile the pass loop less well (0.92x libbpf's drain rate instead of 1.05x).
   */
  private int noteBacklogThenConsume(RingRecordHandler handler) {
    long backlog = (long) LONG.getAcquire(producerPage, 0L) - consumerPosition;
    if (backlog > peakBacklogBytes.get()) {
      peakBacklogBytes.accumulateAndGet(backlog, Math::max);
    }
    return consume(handler);
  }

  /**
   * Passes over the ring until a pass finds nothing new. The consumer position is published once
   * per pass, not per record as libbpf does: the producer then sees space freed a little later,
   * which can only make it drop a record sooner when the ring is nearly full. It can never
   * overwrite a record still being read, because the records of a pass are handed over (and the
   * pass ended) before the position that frees their space is published, with release semantics.
   */
  private int consume(RingRecordHandler handler) {
    final MemorySegment data = this.data;
    final long mask = positionMask;
    long consumed = consumerPosition;
    int delivered = 0;
    boolean fencedSinceLastPublish = false;
    while (true) {
      long produced = (long) LONG.getAcquire(producerPage, 0L);
      long passStart = consumed;
      try {
        while (consumed < produced) {
          long headerOffset = consumed & mask;
          int header = (int) INT.getAcquire(data, headerOffset);
          if (header < 0) {
            break;
          }
          consumed += (header + HEADER_BYTES + ALIGNMENT_MASK) & STEP_MASK;
          if ((header & DISCARD_BIT) == 0) {
            handler.onRecord(data, headerOffset + HEADER_BYTES, header & LENGTH_MASK);
            delivered++;
          }
        }
        if (consumed != passStart) {
          handler.onBatchEnd();
        }
      } finally {
        if (consumed != consumerPosition) {
          LONG.setRelease(consumerPage, 0L, consumed);
          consumerPosition = consumed;
          fencedSinceLastPublish = false;
        }
      }
      if (consumed != passStart) {
        if (closed.get()) {
          return delivered;
        }
        continue;
      }
      if (fencedSinceLastPublish) {
        return delivered;
      }
      // The kernel wakes a waiting reader only for a record committed exactly at the consumer
      // position it reads. Without a full fence our position store could still be invisible
      // to a producer committing now, while we read its record as busy: both would think the
      // other will act, and the reader would sleep on a non-empty ring. Look once more after it.
      VarHandle.fullFence();
      fencedSinceLastPublish = true;
    }
  }

  private void watch(int fd) {
    try (Arena scratch = Arena.ofConfined()) {
      MemorySegment event = scratch.allocate(EPOLL_EVENT_BYTES, 8);
      event.set(JAVA_INT, 0, Libc.EPOLLIN);
      SyscallException.check(
          Libc.epollCtl(epollFd, Libc.EPOLL_CTL_ADD, fd, event), "epoll_ctl(EPOLL_CTL_ADD)");
    }
  }

  private void readReturns() {
    try {
      if (releaseWhenReadReturns) {
        release();
      }
    } finally {
      readLock.unlock();
    }
  }

  private void release() {
    if (released) {
      return;
    }
    released = true;
    if (producerMappingAddress > 0) {
      Libc.munmap(producerMappingAddress, Libc.PAGE_SIZE + 2 * dataBytes);
    }
    if (consumerPageAddress > 0) {
      Libc.munmap(consumerPageAddress, Libc.PAGE_SIZE);
    }
    if (epollFd >= 0) {
      Libc.close(epollFd);
    }
    if (wakeupFd >= 0) {
      Libc.close(wakeupFd);
    }
    arena.close();
  }
}
