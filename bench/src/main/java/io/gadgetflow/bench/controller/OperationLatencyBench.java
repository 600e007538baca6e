package io.gadgetflow.bench.controller;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.bench.shared.LocalKafkaAndKube;
import io.gadgetflow.bench.shared.TraceRequests;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.ControllerVerticle;
import io.gadgetflow.controller.identity.NodeTrust;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import io.vertx.core.Vertx;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Annotates Traces and measures how long until their status shows the operation's state (or, for a
 * start the node refuses, the operationError). The clock starts when the annotation is sent and
 * stops when a watch sees the answer: what a user of `kubectl annotate` then `kubectl get -w`
 * experiences.
 */
public final class OperationLatencyBench {
  static final String NODE = "bench-node";
  static final String NAMESPACE = Trace.DEFAULT_NAMESPACE;

  public static void main(String[] args) throws Exception {
    int[] concurrent =
        Arrays.stream((args.length > 0 ? args[0] : "60,200").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int singleRounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    try (LocalKafkaAndKube platform = LocalKafkaAndKube.start()) {
      KubernetesClient client = platform.client();
      Vertx vertx = Vertx.vertx();
      Path nodeKeys = Files.createTempDirectory("bench-node-keys");
      ControllerConfig controller =
          ControllerConfig.fromEnvironment(Map.of(), "bench-controller")
              .withKafka(platform.bootstrapServers(), KafkaSecurity.PLAINTEXT)
              .withNodeTrust(NodeTrust.directory(nodeKeys));
      NodeConfig node =
          NodeConfig.defaults(NODE, platform.bootstrapServers()).withKeyDirectory(nodeKeys);
      try {
        vertx
            .deployVerticle(new ControllerVerticle(controller, client, Clock.systemUTC()))
            .toCompletionStage()
            .toCompletableFuture()
            .get();
        vertx
            .deployVerticle(new NodeVerticle(node, Clock.systemUTC()))
            .toCompletionStage()
            .toCompletableFuture()
            .get();
        try (StateWatch watch = new StateWatch(client)) {
          measure(new Bench(client, watch), concurrent, singleRounds);
        }
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get();
      }
    }
  }

  /** Warm-up rounds of the largest number of Traces at most; each takes some seconds. */
  static final int MAX_WARMUP_ROUNDS = 20;

  /**
   * The JIT is done when it compiled for less than this share of a warm-up round's wall time (the
   * compiler threads' time: on two cores, up to half of what the API server could have had).
   */
  static final double SETTLED_JIT_SHARE = 0.05;

  static void measure(Bench bench, int[] concurrent, int singleRounds) throws Exception {
    bench.round("warm-up", 5);
    warmUp(bench, Arrays.stream(concurrent).max().orElse(1));
    Round single = new Round();
    for (int i = 0; i < singleRounds; i++) {
      single.addAll(bench.round("single-" + i, 1));
    }
    List<Round> many = new ArrayList<>();
    for (int i = 0; i < concurrent.length; i++) {
      many.add(bench.round("many-" + i + "-" + concurrent[i], concurrent[i]));
    }
    printTraceRequests(bench.client());
    printHeader();
    single.print("1 Trace at a time");
    for (int i = 0; i < concurrent.length; i++) {
      many.get(i).print(concurrent[i] + " at once");
    }
  }

  /**
   * Rounds of the largest number of Traces until the JIT is done, each printed: in a profile of the
   * first such round, compiler threads took 40 % of the process's CPU, and still as much in the
   * second; a controller that has run for a while no longer compiles.
   */
  static void warmUp(Bench bench, int traces) throws Exception {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    System.out.printf("warm-up: %d Traces at once until the JIT is done%n", traces);
    printHeader();
    for (int i = 0; i < MAX_WARMUP_ROUNDS; i++) {
      long compilingBefore = jit.getTotalCompilationTime();
      long startNanos = System.nanoTime();
      Round round = bench.round("warm-up-" + i + "-" + traces, traces);
      long wallMillis = (System.nanoTime() - startNanos) / 1_000_000;
      long compilingMillis = jit.getTotalCompilationTime() - compilingBefore;
      round.print(
          "%d at once, warm-up %d (JIT %d of %d ms)"
              .formatted(traces, i, compilingMillis, wallMillis));
      if (compilingMillis < SETTLED_JIT_SHARE * wallMillis) {
        return;
      }
    }
    System.out.println("warm-up: the JIT was still compiling after the last round");
  }

  static void printHeader() {
    System.out.printf("%-48s %8s %8s %8s %8s%n", "", "samples", "p50 ms", "p99 ms", "max ms");
  }

  /** What the whole run asked of the API server about Traces, by verb, subresource and code. */
  static void printTraceRequests(KubernetesClient client) {
    System.out.println("API server requests on Traces (verb subresource code: count):");
    TraceRequests.count(client)
        .forEach((request, count) -> System.out.printf("  %s: %d%n", request, count));
  }

  /** How long each Trace took to show Started, or its operationError, then Stopped. */
  record Round(Samples started, Samples refused, Samples stopped) {
    Round() {
      this(new Samples(), new Samples(), new Samples());
    }

    void addAll(Round other) {
      started.addAll(other.started);
      refused.addAll(other.refused);
      stopped.addAll(other.stopped);
    }

    void print(String label) {
      started.print("start -> Started, " + label);
      refused.print("start -> operationError, " + label);
      stopped.print("stop -> Stopped, " + label);
    }
  }

  /** Creates Traces, annotates them all start then stop, and deletes them. */
  record Bench(KubernetesClient client, StateWatch watch) {
    Round round(String prefix, int count) throws Exception {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        names.add(prefix + "-" + i);
      }
      parallel(names, this::create);
      Round round = new Round();
      List<String> started = annotateAll(names, "start", TraceState.STARTED, round.started());
      round.refused().addAll(watch.refusals(names));
      annotateAll(started, "stop", TraceState.STOPPED, round.stopped());
      parallel(names, name -> traces().withName(name).delete());
      for (String name : names) {
        traces().withName(name).waitUntilCondition(t -> t == null, 60, TimeUnit.SECONDS);
      }
      return round;
    }

    /** Annotates; returns the Traces that reached the state (the others showed an error). */
    List<String> annotateAll(
        List<String> names, String operation, TraceState state, Samples samples) throws Exception {
      if (names.isEmpty()) {
        return names;
      }
      Map<String, Long> written = new ConcurrentHashMap<>();
      CountDownLatch reached = watch.expect(names, state, written);
      // What kubectl annotate sends: a merge patch, which also works when there is no annotation.
      String patch =
          "{\"metadata\":{\"annotations\":{\""
              + Trace.OPERATION_ANNOTATION
              + "\":\""
              + operation
              + "\"}}}";
      parallel(
          names,
          name -> {
            written.put(name, System.nanoTime());
            traces().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
          });
      if (!reached.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(operation + ": not all Traces reached " + state);
      }
      List<String> reachedState = new ArrayList<>();
      for (String name : names) {
        Long seenAt = watch.seenAt(name, state);
        if (seenAt != null) {
          samples.add(seenAt - written.get(name));
          reachedState.add(name);
        }
      }
      return reachedState;
    }

    void create(String name) {
      Trace trace = new Trace();
      trace.setMetadata(
          new ObjectMetaBuilder()
              .withName(name)
              .withNamespace(NAMESPACE)
              .withAnnotations(Map.of())
              .build());
      TraceSpec spec = trace.getSpec();
      spec.setNode(NODE);
      spec.setGadget("execsnoop");
      spec.setRunMode(RunMode.MANUAL);
      spec.setOutputMode(OutputMode.STREAM);
      traces().resource(trace).create();
    }

    io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
            Trace,
            io.fabric8.kubernetes.api.model.KubernetesResourceList<Trace>,
            io.fabric8.kubernetes.client.dsl.Resource<Trace>>
        traces() {
      return client.resources(Trace.class).inNamespace(NAMESPACE);
    }

    void parallel(List<String> names, NameTask task) throws Exception {
      try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(32, names.size()))) {
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (String name : names) {
          futures.add(
              pool.submit(
                  () -> {
                    task.run(name);
                    return null;
                  }));
        }
        for (var future : futures) {
          future.get();
        }
      }
    }
  }

  interface NameTask {
    void run(String name) throws Exception;
  }

  /** Remembers when a watch first saw each Trace in each state. */
  static final class StateWatch implements AutoCloseable {
    private final SharedIndexInformer<Trace> informer;
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private volatile Expectation expectation;

    private final Map<String, Long> refusedAfter = new ConcurrentHashMap<>();

    record Expectation(
        List<String> names, TraceState state, Map<String, Long> written, CountDownLatch latch) {}

    StateWatch(KubernetesClient client) {
      informer =
          client
              .resources(Trace.class)
              .inNamespace(NAMESPACE)
              .inform(
                  new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Trace trace) {
                      record(trace);
                    }

                    @Override
                    public void onUpdate(Trace before, Trace after) {
                      record(after);
                    }

                    @Override
                    public void onDelete(Trace trace, boolean unknown) {}
                  });
    }

    CountDownLatch expect(List<String> names, TraceState state, Map<String, Long> written) {
      CountDownLatch latch = new CountDownLatch(names.size());
      expectation = new Expectation(names, state, written, latch);
      return latch;
    }

    Long seenAt(String name, TraceState state) {
      return seen.get(name + "/" + state);
    }

    Samples refusals(List<String> names) {
      Samples samples = new Samples();
      names.stream().map(refusedAfter::get).filter(Objects::nonNull).forEach(samples::add);
      return samples;
    }

    /**
     * Counts a Trace once per expectation: when it shows the state, or (for start, which is the
     * first operation of every Trace here) when it shows an operationError instead.
     */
    private void record(Trace trace) {
      long now = System.nanoTime();
      Expectation current = expectation;
      String name = trace.getMetadata().getName();
      if (trace.getStatus() == null || current == null || !current.names().contains(name)) {
        return;
      }
      if (current.state() == trace.getStatus().getState()) {
        if (seen.putIfAbsent(name + "/" + current.state(), now) == null) {
          current.latch().countDown();
        }
      } else if (current.state() == TraceState.STARTED
          && trace.getStatus().getOperationError() != null) {
        Long written = current.written().get(name);
        if (written != null && refusedAfter.putIfAbsent(name, now - written) == null) {
          current.latch().countDown();
        }
      }
    }

    @Override
    public void close() {
      informer.close();
    }
  }

  static final class Samples {
    private final List<Long> nanos = new ArrayList<>();

    void add(long value) {
      nanos.add(value);
    }

    void addAll(Samples other) {
      nanos.addAll(other.nanos);
    }

    void print(String label) {
      long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
      if (sorted.length == 0) {
        System.out.printf("%-48s %8d%n", label, 0);
        return;
      }
      System.out.printf(
          "%-48s %8d %8.1f %8.1f %8.1f%n",
          label,
          sorted.length,
          ms(percentile(sorted, 50)),
          ms(percentile(sorted, 99)),
          ms(sorted[sorted.length - 1]));
    }

    private static long percentile(long[] sorted, int percent) {
      int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, index)];
    }

    private static double ms(long nanos) {
      return nanos / 1e6;
    }
  }
}
