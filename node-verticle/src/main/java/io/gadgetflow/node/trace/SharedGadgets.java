package io.gadgetflow.node.trace;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.kafka.EventSink;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The gadgets this node runs, each loaded once for all the traces that run it alike: same gadget,
 * same parameters, filtered or not. A gadget that keeps a result of its own in the kernel (a
 * profile's histogram, an advisor's observations) is loaded for each trace. The first trace loads a
 * gadget, the others join it, the last one out unloads it. Used from the agent's event loop only;
 * loading, joining and unloading block, and run on the worker pool.
 */
final class SharedGadgets {

  /** What traces must have in common to share a loaded gadget. */
  private record Sharing(
      String gadget, Map<String, String> parameters, boolean filtered, String onlyForTrace) {

    static Sharing of(ControlRecord trace, GadgetProgram program) {
      return new Sharing(
          trace.gadget(),
          Map.copyOf(trace.parameters()),
          !trace.filter().isEmpty(),
          program.result().isPresent() ? trace.traceUid() : null);
    }
  }

  private static final class Loaded {
    final Future<SharedGadget> gadget;
    int traces;

    Loaded(Future<SharedGadget> gadget) {
      this.gadget = gadget;
    }
  }

  private final NodeConfig config;
  private final WorkerExecutor workers;
  private final EventSink sink;
  private final ContainerRegistry containers;
  private final Map<Sharing, Loaded> loaded = new HashMap<>();
  private final Map<TraceSession, Sharing> sessions = new IdentityHashMap<>();

  SharedGadgets(
      NodeConfig config, WorkerExecutor workers, EventSink sink, ContainerRegistry containers) {
    this.config = config;
    this.workers = workers;
    this.sink = sink;
    this.containers = containers;
  }

  /**
   * Starts {@code trace}'s events, loading its gadget unless another trace runs it alike.
   *
   * @param outputFile checked on the worker pool, for {@code outputMode: File}
   */
  Future<TraceSession> join(
      ControlRecord trace, GadgetProgram program, Callable<Optional<Path>> outputFile) {
    Sharing sharing = Sharing.of(trace, program);
    Loaded gadget = loaded.computeIfAbsent(sharing, key -> load(key, trace, program));
    gadget.traces++;
    return gadget
        .gadget
        .compose(
            shared -> workers.executeBlocking(() -> shared.join(trace, outputFile.call()), false))
        .andThen(
            joined -> {
              if (joined.succeeded()) {
                sessions.put(joined.result(), sharing);
              } else {
                release(sharing, gadget);
              }
            });
  }

  /** Stops the session's events; unloads its gadget when no other trace runs it. */
  Future<Void> leave(TraceSession session) {
    Sharing sharing = sessions.remove(session);
    Loaded gadget = loaded.get(sharing);
    return workers
        .executeBlocking(
            () -> {
              session.close();
              return null;
            },
            false)
        .compose(closed -> gadget == null ? Future.succeededFuture() : release(sharing, gadget));
  }

  private Loaded load(Sharing sharing, ControlRecord trace, GadgetProgram program) {
    Loaded gadget =
        new Loaded(
            workers.executeBlocking(
                () ->
                    SharedGadget.load(
                        program,
                        sharing.filtered(),
                        config.ringBufferBytes(),
                        new GadgetParameters(program.descriptor(), trace.parameters()),
                        sink,
                        config.nodeName(),
                        containers),
                false));
    // A gadget that failed to load is tried again by the next trace.
    gadget.gadget.onFailure(e -> loaded.remove(sharing, gadget));
    return gadget;
  }

  private Future<Void> release(Sharing sharing, Loaded gadget) {
    gadget.traces--;
    if (gadget.traces > 0 || !loaded.remove(sharing, gadget) || gadget.gadget.failed()) {
      return Future.succeededFuture();
    }
    SharedGadget unused = gadget.gadget.result();
    return workers.executeBlocking(
        () -> {
          unused.close();
          return null;
        },
        false);
  }
}
