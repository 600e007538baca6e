package io.gadgetflow.node.bpf;

import java.lang.foreign.MemorySegment;

/** An attached program. Closing it detaches the program; its object closes it at the latest. */
public final class BpfLink implements AutoCloseable {
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
