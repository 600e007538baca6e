package io.gadgetflow.web.live;

/** The trace an events websocket shows, as its first frame tells the browser. */
public record WatchedTrace(String namespace, String name, String uid, String gadget, String node) {}
