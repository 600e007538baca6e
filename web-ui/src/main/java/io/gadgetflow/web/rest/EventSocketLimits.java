package io.gadgetflow.web.rest;

/**
 * How much an event websocket replays and holds.
 *
 * @param replayEvents how many earlier events a new websocket receives first, unless it asks for
 *     another number; at most {@link #MAX_REPLAY_EVENTS}
 * @param queueEvents events one websocket may have waiting for a slow browser; older ones are
 *     dropped and counted beyond that
 * @param socketsPerUser event websockets one user may hold open at once; each replays once, at its
 *     start, so this also bounds the replays one user has under way
 */
public record EventSocketLimits(int replayEvents, int queueEvents, int socketsPerUser) {
  /** The most earlier events a websocket may ask for. */
  public static final int MAX_REPLAY_EVENTS = 1000;
}
