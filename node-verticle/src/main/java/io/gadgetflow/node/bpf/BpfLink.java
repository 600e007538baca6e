package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** An attached program. Closing it detaches the program; its object closes it at the latest. */
public final class BpfLink implements AutoCloseable {
  private static final int ITERATOR_CHUNK_BYTES = 64 * 1024;

  private final String programName;
  private MemorySegment link;

  BpfLink(String programName, MemorySegment link) {
    this.programName = programName;
    this.link = link;
  }

  public String programName() {
    return programName;
  }

  public synchronized boolean isClosed() {
    return link == null;
  }

  /**
   * For the link of an iterator program ({@code iter/...}): runs the iteration once and returns
   * everything the program wrote with {@code bpf_seq_write}.
   */
  public synchronized byte[] readIterator() {
    if (link == null) {
      throw new IllegalStateException("link of " + programName + " is closed");
    }
    int iteratorFd = Libbpf.iterCreate(Libbpf.linkFd(link));
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment chunk = arena.allocate(ITERATOR_CHUNK_BYTES);
      long read;
      while ((read = Libc.read(iteratorFd, chunk)) != 0) {
        if (read == -Libc.EINTR) {
          continue;
        }
        SyscallException.check(read, "read of iterator " + programName);
        written.write(chunk.asSlice(0, read).toArray(JAVA_BYTE), 0, (int) read);
      }
    } finally {
      Libc.close(iteratorFd);
    }
    return written.toByteArray();
  }

  /** Idempotent; any thread. */
  @Override
  public synchronized void close() {
    if (link != null) {
      MemorySegment destroyed = link;
      link = null;
      Libbpf.linkDestroy(destroyed);
    }
  }
}
