package io.gadgetflow.node.trace;

import io.gadgetflow.node.bpf.AppendOnlyFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code outputMode: File} copy of a trace's events: JSON lines appended to a file on the node.
 * Written by the gadget's ring reader thread, closed by whoever stops the trace; a line that comes
 * after the close is not the trace's any more. An event's line that cannot be written is counted,
 * never thrown at the reader; a warning's is not counted, as it is not one of the trace's events.
 */
final class EventFile implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventFile.class);
  private static final int BUFFER_BYTES = 64 * 1024;

  private final Path path;
  private final OutputStream out;
  private volatile long failedLines;

  /** Events' lines written since the last flush: lost too if the flush fails. */
  private long unflushedLines;

  private boolean broken;
  private boolean closed;

  /** Over a stream already open; {@link #append} is how the agent opens one. */
  EventFile(Path path, OutputStream out) {
    this.path = path;
    this.out = out;
  }

  /**
   * Opens {@code path} for appending, creating it if needed; a symbolic link on its way, a FIFO, a
   * device or a hard link there is refused, as it could lead anywhere ({@link AppendOnlyFiles}).
   */
  static EventFile append(Path path) {
    try {
      return new EventFile(
          path, new BufferedOutputStream(AppendOnlyFiles.open(path), BUFFER_BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to output file: " + e.getMessage(), e);
    }
  }

  /** One of the trace's events, the first {@code length} bytes of {@code json}, as a line. */
  synchronized void appendLine(byte[] json, int length) {
    if (closed) {
      return;
    }
    if (broken) {
      failedLines++;
      return;
    }
    unflushedLines++;
    write(json, length);
  }

  /** A warning event of the agent's as a line; not counted if lost. */
  synchronized void appendWarning(byte[] json) {
    if (!closed && !broken) {
      write(json, json.length);
    }
  }

  private void write(byte[] json, int length) {
    try {
      out.write(json, 0, length);
      out.write('\n');
    } catch (IOException e) {
      fail(e);
    }
  }

  /** Hands what is buffered to the kernel, so readers of the file see events as they come. */
  synchronized void flush() {
    if (broken || closed) {
      return;
    }
    try {
      out.flush();
      unflushedLines = 0;
    } catch (IOException e) {
      fail(e);
    }
  }

  /** Events' lines that did not make it into the file. */
  long failedLines() {
    return failedLines;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    flush();
    closed = true;
    try {
      out.close();
    } catch (IOException e) {
      LOG.warn("Closing event file {} failed: {}", path, e.toString());
    }
  }

  /**
   * A file that failed once (disk full, gone) is not tried again for every event; what was buffered
   * but not written is counted as lost with the lines that follow.
   */
  private void fail(IOException e) {
    broken = true;
    failedLines += unflushedLines;
    unflushedLines = 0;
    LOG.warn(
        "Event file {} failed, its further events are counted as lost: {}", path, e.toString());
  }
}
