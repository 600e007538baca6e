package io.gadgetflow.web.rest;

/**
 * How much an event websocket replays and holds.
 *
 * @param replayEvents how many earlier events a new websocket receives first, unless it asks for
 *     another number; at most {@link #MAX_REPLAY_EVENTS}
 * @param queueEvents events one websocket may have waiting for a slow browser; older ones are
 *     dropped and counted beyond that
 */
public record EventSocketLimits(int replayEvents, int queueEvents) {
  /** The most earlier events a websocket may ask for. */
  public static final int MAX_REPLAY_EVENTS = 1000;
}
