package io.gadgetflow.node.trace;

/**
 * Where one trace keeps the session of its running gadget from one operation to the next. Used from
 * the agent's event loop only.
 */
final class SessionSlot {
  /** Null while no gadget runs for the trace. */
  TraceSession session;
}
