package io.gadgetflow.node.trace;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.kafka.EventSink;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gadgets this node runs, each loaded once for all the traces that run it alike: same gadget,
 * same parameters, filtered or not. A gadget that keeps a result of its own in the kernel (a
 * profile's histogram, an advisor's observations, a top gadget's table, which each reading empties)
 * is loaded for each trace. The first trace loads a gadget, the others join it, the last one out
 * unloads it. Used from the agent's event loop only; loading, joining and unloading block, and run
 * on the worker pool.
 */
final class SharedGadgets {
  private static final Logger LOG = LoggerFactory.getLogger(SharedGadgets.class);

  /** What traces must have in common to share a loaded gadget. */
  private record Sharing(
      String gadget, Map<String, String> parameters, boolean filtered, String onlyForTrace) {

    static Sharing of(ControlRecord trace, GadgetProgram program) {
      return new Sharing(
          trace.gadget(),
          Map.copyOf(trace.parameters()),
          !trace.filter().isEmpty(),
          program.result().isPresent() || program.table().isPresent() ? trace.traceUid() : null);
    }
  }

  private static final class Loaded {
    final Future<LoadedGadget> gadget;
    int traces;

    Loaded(Future<LoadedGadget> gadget) {
      this.gadget = gadget;
    }
  }

  private final TraceSettings settings;
  private final GadgetLoader loader;
  private final WorkerExecutor workers;
  private final EventSink sink;
  private final ContainerRegistry containers;
  private final Map<Sharing, Loaded> loaded = new HashMap<>();
  private final Map<TraceSession, Sharing> sessions = new IdentityHashMap<>();
  private final Set<Future<Void>> unloading = new HashSet<>();

  SharedGadgets(
      TraceSettings settings,
      GadgetLoader loader,
      WorkerExecutor workers,
      EventSink sink,
      ContainerRegistry containers) {
    this.settings = settings;
    this.loader = loader;
    this.workers = workers;
    this.sink = sink;
    this.containers = containers;
  }

  /**
   * Starts {@code trace}'s events, loading its gadget unless another trace runs it alike.
   *
   * @param outputFile checked on the worker pool, for {@code outputMode: File}
   * @param resumed whether a restarted agent runs the trace again
   */
  Future<TraceSession> join(
      ControlRecord trace,
      GadgetProgram program,
      Callable<Optional<Path>> outputFile,
      boolean resumed) {
    Sharing sharing = Sharing.of(trace, program);
    Loaded gadget = loaded.computeIfAbsent(sharing, key -> load(key, trace, program));
    gadget.traces++;
    return gadget
        .gadget
        .compose(
            shared ->
                workers.executeBlocking(
                    () -> shared.join(trace, outputFile.call(), resumed), false))
        .andThen(
            joined -> {
              if (joined.succeeded()) {
                sessions.put(joined.result(), sharing);
              } else {
                release(sharing, gadget);
              }
            });
  }

  /**
   * Stops the session's events. When no other trace runs its gadget, the gadget is unloaded after
   * that, without holding up the answer: detaching waits for the kernel (a tenth of a second).
   */
  Future<Void> leave(TraceSession session) {
    Sharing sharing = sessions.remove(session);
    Loaded gadget = loaded.get(sharing);
    return workers
        .<Void>executeBlocking(
            () -> {
              session.close();
              return null;
            },
            false)
        .onComplete(
            closed -> {
              if (gadget != null) {
                release(sharing, gadget);
              }
            });
  }

  /** Completes once the gadgets being unloaded now are. */
  Future<Void> unloaded() {
    return Future.join(List.copyOf(unloading)).mapEmpty();
  }

  private Loaded load(Sharing sharing, ControlRecord trace, GadgetProgram program) {
    Loaded gadget =
        new Loaded(
            workers.executeBlocking(
                () ->
                    loader.load(
                        program,
                        sharing.filtered(),
                        settings.ringBufferBytes(),
                        new GadgetParameters(program.descriptor(), trace.parameters()),
                        sink,
                        settings.nodeName(),
                        containers),
                false));
    // A gadget that failed to load is tried again by the next trace.
    gadget.gadget.onFailure(e -> loaded.remove(sharing, gadget));
    return gadget;
  }

  private void release(Sharing sharing, Loaded gadget) {
    gadget.traces--;
    if (gadget.traces > 0 || !loaded.remove(sharing, gadget) || gadget.gadget.failed()) {
      return;
    }
    LoadedGadget unused = gadget.gadget.result();
    Future<Void> unload =
        workers.executeBlocking(
            () -> {
              unused.close();
              return null;
            },
            false);
    unloading.add(unload);
    unload.onComplete(
        done -> {
          unloading.remove(unload);
          if (done.failed()) {
            LOG.warn("Unloading gadget {} failed: {}", sharing.gadget(), done.cause().toString());
          }
        });
  }
}
