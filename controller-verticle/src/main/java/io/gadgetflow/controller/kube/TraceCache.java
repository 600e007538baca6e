package io.gadgetflow.controller.kube;

import io.gadgetflow.api.trace.Trace;
import java.util.Optional;

/**
 * The Traces as the controller last saw them, read in memory ({@link TraceInformer}); an interface
 * so that what applies node reports can be tested without a watch.
 */
public interface TraceCache {
  /** The Trace whose key ({@code namespace/name}) is {@code key}, if seen. */
  Optional<Trace> get(String key);

  /** The Trace whose uid is {@code uid}, if seen. */
  Optional<Trace> byUid(String uid);
}
