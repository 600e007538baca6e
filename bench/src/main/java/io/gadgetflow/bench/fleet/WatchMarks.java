package io.gadgetflow.bench.fleet;

import io.gadgetflow.api.trace.TraceState;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * What the bench's watch ({@link FleetWatch}, a JVM of its own) saw and when, as lines on its
 * standard output, and, on the bench's side, those lines read back: each Trace's creation, first
 * Started, first stop asked and first Stopped, a failure shown, each node's first answer of a state
 * on the status topic, each control record's first sending, and the aggregation lags. Every time is
 * the watch's (epoch micros, the machine's one clock), so how late the bench's own JVM reads the
 * lines is in no figure.
 */
final class WatchMarks {
  private static final String PREFIX = "watch ";

  /** One Trace as the watch saw it; 0 for what it did not see (yet). */
  static final class Seen {
    final String uid;
    final String name;
    final String node;
    final String gadget;
    final long created;
    volatile long started;
    volatile long stopAsked;
    volatile long stopped;
    volatile boolean failed;

    Seen(String uid, String name, String node, String gadget, long created) {
      this.uid = uid;
      this.name = name;
      this.node = node;
      this.gadget = gadget;
      this.created = created;
    }
  }

  /**
   * The watch's side: says each mark as a line, from any thread. The lines wait in a queue for a
   * writer thread of their own: when the bench's JVM, capped, reads them late and the pipe fills,
   * the watch goes on seeing and timing.
   */
  static final class Sayer {
    private final PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Sayer() {
      Thread.ofPlatform().daemon().name("fleet-watch-marks").start(this::write);
    }

    private void write() {
      try {
        while (true) {
          out.println(lines.take());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void created(String uid, String name, String node, String gadget, long micros) {
      say("created " + uid + " " + name + " " + node + " " + gadget + " " + micros);
    }

    void started(String uid, long micros) {
      say("started " + uid + " " + micros);
    }

    void stopAsked(String uid, long micros) {
      say("stop-asked " + uid + " " + micros);
    }

    void stopped(String uid, long micros) {
      say("stopped " + uid + " " + micros);
    }

    void failed(String uid) {
      say("failed " + uid);
    }

    void answered(String uid, TraceState state, long micros) {
      say("answered " + uid + " " + state.name() + " " + micros);
    }

    void lag(boolean answer, long micros) {
      say("lag " + (answer ? "answer " : "counters ") + micros);
    }

    void sent(String uid, String operation, long micros) {
      say("sent " + uid + " " + operation.toLowerCase(Locale.ROOT) + " " + micros);
    }

    /** {@code line} once the watch's marks before it are said. */
    void sayAfterMarks(String line) {
      lines.add(line);
    }

    private void say(String line) {
      lines.add(PREFIX + line);
    }
  }

  private final Map<String, Seen> byUid = new ConcurrentHashMap<>();
  private final Map<String, Long> answeredMicros = new ConcurrentHashMap<>();
  private final Map<String, Long> sentMicros = new ConcurrentHashMap<>();
  private final Samples answerLags = new Samples();
  private final Samples counterLags = new Samples();

  /** A line of the watch's output; any other line is left alone. */
  void read(String line) {
    if (!line.startsWith(PREFIX)) {
      return;
    }
    String[] f = line.substring(PREFIX.length()).split(" ");
    switch (f[0]) {
      case "created" ->
          byUid.putIfAbsent(f[1], new Seen(f[1], f[2], f[3], f[4], Long.parseLong(f[5])));
      case "started" -> ifSeen(f[1], seen -> seen.started = Long.parseLong(f[2]));
      case "stop-asked" -> ifSeen(f[1], seen -> seen.stopAsked = Long.parseLong(f[2]));
      case "stopped" -> ifSeen(f[1], seen -> seen.stopped = Long.parseLong(f[2]));
      case "failed" -> ifSeen(f[1], seen -> seen.failed = true);
      case "answered" -> answeredMicros.putIfAbsent(f[1] + " " + f[2], Long.parseLong(f[3]));
      case "lag" -> (f[1].equals("answer") ? answerLags : counterLags).add(Long.parseLong(f[2]));
      case "sent" -> sentMicros.putIfAbsent(f[1] + " " + f[2], Long.parseLong(f[3]));
      default -> {
        // A mark of a later bench: not read here.
      }
    }
  }

  private void ifSeen(String uid, java.util.function.Consumer<Seen> mark) {
    Seen seen = byUid.get(uid);
    if (seen != null) {
      mark.accept(seen);
    }
  }

  Collection<Seen> traces() {
    return byUid.values();
  }

  /** Forgets every Trace seen so far, before the next step. */
  void clear() {
    byUid.clear();
  }

  /** When the node first reported {@code state} for the Trace; 0 if it was not seen. */
  long answered(String uid, TraceState state) {
    return answeredMicros.getOrDefault(uid + " " + state.name(), 0L);
  }

  /** When {@code operation} (e.g. {@code start}) of the Trace was sent; 0 if it was not seen. */
  long sent(String uid, String operation) {
    return sentMicros.getOrDefault(uid + " " + operation.toLowerCase(Locale.ROOT), 0L);
  }

  /** Lags of answers, and takes them: the next step starts afresh. */
  Samples takeAnswerLags() {
    return answerLags.take();
  }

  Samples takeCounterLags() {
    return counterLags.take();
  }
}
