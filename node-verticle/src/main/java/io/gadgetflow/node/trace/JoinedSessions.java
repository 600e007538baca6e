package io.gadgetflow.node.trace;

import java.util.Arrays;

/**
 * The sessions of the traces that joined one gadget. The array is replaced, never changed, under
 * this object's lock, so the thread that hands out events reads it without one.
 */
final class JoinedSessions {
  private static final TraceSession[] NONE = {};

  private volatile TraceSession[] sessions = NONE;

  /** The sessions now; the array is never changed. */
  TraceSession[] now() {
    return sessions;
  }

  synchronized void add(TraceSession session) {
    TraceSession[] joined = Arrays.copyOf(sessions, sessions.length + 1);
    joined[sessions.length] = session;
    sessions = joined;
  }

  synchronized void remove(TraceSession session) {
    sessions =
        Arrays.stream(sessions).filter(joined -> joined != session).toArray(TraceSession[]::new);
  }
}
