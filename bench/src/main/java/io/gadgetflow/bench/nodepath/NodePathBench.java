package io.gadgetflow.bench.nodepath;

import static io.gadgetflow.bench.shared.Figures.check;
import static io.gadgetflow.bench.shared.Figures.median;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.Losses;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.trace.exec.ExecEventDecoder;
import io.gadgetflow.node.gadget.trace.exec.ExecGadget;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.trace.SharedGadget;
import io.gadgetflow.node.trace.TraceSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The node agent's whole event path under a rising load: the execgen BPF program writes execsnoop
 * records into its ring at a set rate, and GadgetFlow's own TraceSession reads, decodes, turns them
 * into JSON and hands them to an EventSink, which produces them to Kafka (acks=all) with the
 * agent's production settings. Each step runs one rate for a while with a new trace and reports
 * what was offered, acknowledged and lost, and what the agent spent in CPU and memory.
 *
 * <p>This JVM is the agent and should be pinned to one core (run.sh does it); the broker runs in a
 * JVM of its own (Broker) and the generator's driver (execgen_driver.c) in a process of its own,
 * both pinned to the other core. Every rate runs twice, alternating: once into Kafka and once into
 * a sink whose producer acknowledges each record at once (the baseline: everything but Kafka's
 * client and broker). A pipeline stops after two steps in a row that it did not sustain.
 *
 * <p>Run by bench/nodepath/run.sh: NodePathBench DRIVER SECONDS RATES RING_BYTES PERIOD_MICROS
 */
public final class NodePathBench {
  private static final String NODE = "bench-node";

  /** A realistic exec: 7 arguments, 145-byte records, 296-byte JSON events. */
  private static final List<String> EXEC_ARGS =
      List.of(
          "/usr/bin/curl",
          "-sS",
          "--max-time",
          "5",
          "-H",
          "Accept: application/json",
          "http://10.96.12.7:8080/healthz");

  private static final GadgetProgram GENERATOR =
      new GadgetProgram(
          GadgetCatalog.EXECSNOOP,
          "bpf/test/execgen/program.bpf.o",
          ExecGadget.PROGRAM.layouts(),
          ExecEventDecoder::new,
          Set.of());

  private static final List<Long> WARMUP_RATES = List.of(200_000L, 300_000L, 400_000L);
  private static final double WARMUP_SECONDS = 10;
  private static final int MAX_WARMUP_ROUNDS = 8;

  /** A step that failed while others used more of the agent's core than this is run again. */
  private static final double NOISE_LIMIT = 0.05;

  private static final int NOISY_STEP_RETRIES = 2;

  /** Before each step: how long to look at the agent's core, and to wait at most for quiet. */
  private static final Duration QUIET_SAMPLE = Duration.ofSeconds(1);

  private static final Duration QUIET_WAIT_LIMIT =
      Duration.ofSeconds(
          Long.parseLong(Objects.requireNonNullElse(System.getenv("QUIET_WAIT_SECONDS"), "120")));
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /** A step is sustained when its backlog was gone this soon after the load stopped. */
  private static final long MAX_DRAIN_MILLIS = 1000;

  private static final int UNSUSTAINED_STEPS_TO_STOP = 2;

  /** run.sh pins this JVM there. */
  private static final int AGENT_CORE = 1;

  /** The unit of /proc/stat, fixed at 100 for user space on Linux. */
  private static final int USER_HZ = 100;

  private static final Map<String, String> PRODUCER_METRICS =
      Map.of(
          "bufferpool-wait-time-ns-total", "waited for buffer ms",
          "request-latency-avg", "request latency avg ms",
          "request-latency-max", "max ms");

  /**
   * @param containers what the agent knows of the node's containers
   * @param driverPrefix runs the generator's driver in a container when enrichment is on
   */
  private record Pipeline(
      String name,
      Sink sink,
      boolean kafka,
      ContainerRegistry containers,
      List<String> driverPrefix) {}

  /** An EventSink and the producer it sends through, whose metrics each step reads. */
  private record Sink(EventSink events, Producer<byte[], byte[]> producer)
      implements AutoCloseable {
    static Sink around(Producer<byte[], byte[]> producer, NodeConfig config) {
      return new Sink(
          EventSink.around(
              producer, config.topics().events(), config.eventQueueBytes(), config.eventForm()),
          producer);
    }

    @Override
    public void close() {
      events.close();
    }
  }

  private record DriverResult(long offered, long nanos, long cpuNanos, long late) {}

  private record Step(
      String pipeline,
      long targetRate,
      DriverResult driver,
      long delivered,
      long kernelLost,
      long queueLost,
      long otherLost,
      long backlogWhenLoadStopped,
      long drainMillis,
      long nanos,
      long agentCpuNanos,
      Map<String, GroupUse> threadUse,
      long rssKiB,
      long peakRssKiB,
      long brokerAppended,
      long brokerBytes,
      double brokerCores,
      Map<String, Double> producerMetrics,
      double othersOnAgentCore) {

    long lost() {
      return kernelLost + queueLost + otherLost;
    }

    double offeredRate() {
      return driver.offered() * 1e9 / driver.nanos();
    }

    double deliveredRate() {
      return delivered * 1e9 / nanos;
    }

    double agentCores() {
      return (double) agentCpuNanos / nanos;
    }

    double cpuMicrosPerEvent() {
      return agentCpuNanos / 1e3 / Math.max(1, delivered);
    }

    boolean verified() {
      return brokerAppended < 0 || brokerAppended == driver.offered();
    }

    boolean sustained() {
      return lost() == 0
          && delivered == driver.offered()
          && offeredRate() >= 0.98 * targetRate
          && drainMillis <= MAX_DRAIN_MILLIS
          && verified();
    }
  }

  private final Path driver;
  private final double seconds;
  private final GadgetOptions options;
  private final long periodMicros;
  private final String enrichment;
  private BrokerProcess broker;
  private ContainerRegistry containers = ContainerRegistry.withoutPods();
  private List<String> driverPrefix = List.of();

  private NodePathBench(
      Path driver, double seconds, int ringBytes, long periodMicros, String enrichment) {
    this.enrichment = enrichment;
    this.driver = driver;
    this.seconds = seconds;
    this.options = GadgetOptions.unfiltered().withRingBufferBytes(ringBytes);
    this.periodMicros = periodMicros;
  }

  public static void main(String[] args) throws Exception {
    Path driver = Path.of(args[0]);
    double seconds = Double.parseDouble(args[1]);
    List<Long> rates = Arrays.stream(args[2].split(",")).map(Long::parseLong).toList();
    int ringBytes = Integer.parseInt(args[3]);
    long periodMicros = Long.parseLong(args[4]);
    String enrichment = Objects.requireNonNullElse(System.getenv("ENRICHMENT"), "off");
    check(
        List.of("off", "on", "compare").contains(enrichment),
        "ENRICHMENT is off, on or compare, not " + enrichment);
    NodePathBench bench = new NodePathBench(driver, seconds, ringBytes, periodMicros, enrichment);
    if (enrichment.equals("off")) {
      bench.run(rates);
      return;
    }
    try (BenchContainer container = BenchContainer.start()) {
      bench.containers = container.registry();
      bench.driverPrefix = container.nsenter();
      bench.run(rates);
    }
  }

  private void run(List<Long> rates) throws Exception {
    printSetup();
    try (BrokerProcess started = BrokerProcess.start()) {
      broker = started;
      NodeConfig config =
          NodeConfig.defaults(NODE, broker.bootstrapServers)
              .withRingBufferBytes(options.ringBufferBytes());
      Map<String, Map<String, String>> variants = producerVariants();
      AcknowledgingProducer baseline = new AcknowledgingProducer();
      try (Sink kafkaSink = kafkaSink(config, "", Map.of());
          Sink baselineSink = Sink.around(baseline, config);
          SinkList variantSinks = new SinkList()) {
        List<String> hostDriver = List.of();
        List<Pipeline> pipelines = new ArrayList<>();
        if (enrichment.equals("compare")) {
          pipelines.add(
              new Pipeline(
                  "no-op", baselineSink, false, ContainerRegistry.withoutPods(), hostDriver));
          pipelines.add(new Pipeline("named", baselineSink, false, containers, driverPrefix));
        } else {
          pipelines.add(new Pipeline("no-op", baselineSink, false, containers, driverPrefix));
          pipelines.add(new Pipeline("kafka", kafkaSink, true, containers, driverPrefix));
          for (Map.Entry<String, Map<String, String>> variant : variants.entrySet()) {
            Sink sink =
                variantSinks.add(kafkaSink(config, "-" + variant.getKey(), variant.getValue()));
            pipelines.add(new Pipeline(variant.getKey(), sink, true, containers, driverPrefix));
          }
        }
        warmUp(pipelines);
        System.out.printf(
            Locale.ROOT,
            "events: JSON values of %.0f bytes, CloudEvents headers of %.0f bytes (keys and"
                + " values)%n",
            (double) baseline.valueBytes / baseline.records,
            (double) baseline.headerBytes / baseline.records);
        System.out.println();
        printHeader();
        Map<String, List<Step>> steps = new LinkedHashMap<>();
        Map<String, Integer> unsustainedInARow = new HashMap<>();
        for (long rate : rates) {
          for (Pipeline pipeline : pipelines) {
            if (unsustainedInARow.getOrDefault(pipeline.name(), 0) >= UNSUSTAINED_STEPS_TO_STOP) {
              continue;
            }
            Step step = runStep(pipeline, rate, seconds);
            printStep(step);
            for (int retry = 0;
                retry < NOISY_STEP_RETRIES
                    && !step.sustained()
                    && step.othersOnAgentCore() > NOISE_LIMIT;
                retry++) {
              System.out.println("          (others used the agent's core: once more)");
              step = runStep(pipeline, rate, seconds);
              printStep(step);
            }
            steps.computeIfAbsent(pipeline.name(), name -> new ArrayList<>()).add(step);
            unsustainedInARow.put(
                pipeline.name(),
                step.sustained() ? 0 : unsustainedInARow.getOrDefault(pipeline.name(), 0) + 1);
          }
          if (pipelines.stream()
              .allMatch(
                  p -> unsustainedInARow.getOrDefault(p.name(), 0) >= UNSUSTAINED_STEPS_TO_STOP)) {
            break;
          }
        }
        printSummary(steps);
      }
    }
  }

  /**
   * Runs both pipelines at rising rates, then at the last until the JIT is done: on one core,
   * compiling Kafka's client takes long, and it would count as the agent's CPU in the first steps.
   * A node agent runs for days, so its warm state is the one that matters.
   */
  private void warmUp(List<Pipeline> pipelines) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "warm-up: %s events/s, %.0f s per pipeline, then the last rate until the JIT is done (at"
            + " most %d rounds)%n",
        WARMUP_RATES.stream().map(rate -> String.format(Locale.ROOT, "%,d", rate)).toList(),
        WARMUP_SECONDS,
        MAX_WARMUP_ROUNDS);
    for (int round = 0; round < MAX_WARMUP_ROUNDS; round++) {
      long rate = WARMUP_RATES.get(Math.min(round, WARMUP_RATES.size() - 1));
      boolean settled = round >= WARMUP_RATES.size() - 1;
      for (Pipeline pipeline : pipelines) {
        Step step = runStep(pipeline, rate, WARMUP_SECONDS);
        printStep(step);
        settled &= step.sustained() && step.threadUse().get("jit").nanos() < 0.02 * step.nanos();
      }
      if (settled) {
        return;
      }
    }
  }

  private Step runStep(Pipeline pipeline, long rate, double stepSeconds) throws Exception {
    awaitQuietCore();
    ControlRecord trace = trace(pipeline.name() + "-" + rate);
    SharedGadget gadget =
        SharedGadget.load(
            GENERATOR,
            false,
            options.ringBufferBytes(),
            GadgetParameters.defaults(GENERATOR.descriptor()),
            pipeline.sink().events(),
            NODE,
            pipeline.containers());
    TraceSession session = gadget.join(trace, Optional.empty());
    try {
      long[] appendedBefore = pipeline.kafka() ? broker.appended() : null;
      resetPeakRss();
      long cpuBefore = processCpuNanos();
      Map<Integer, ThreadCpu> threadsBefore = threadCpu();
      long[] coreBefore = agentCoreTicks();
      long brokerTicksBefore = broker.cpuTicks();
      Map<String, Double> producerBefore = producerMetrics(pipeline.sink().producer());
      long start = System.nanoTime();

      DriverResult offered = drive(rate, stepSeconds, pipeline.driverPrefix());

      EventCounters whenLoadStopped = session.counters();
      long loadStopped = System.nanoTime();
      long deadline = loadStopped + DRAIN_TIMEOUT.toNanos();
      EventCounters counters = whenLoadStopped;
      while (counters.events() + counters.lost() < offered.offered()
          && System.nanoTime() - deadline < 0) {
        Thread.sleep(1);
        counters = session.counters();
      }
      long drained = System.nanoTime();
      long cpuAfter = processCpuNanos();
      Map<Integer, ThreadCpu> threadsAfter = threadCpu();
      long[] coreAfter = agentCoreTicks();
      long brokerTicksAfter = broker.cpuTicks();
      Map<String, Double> producerAfter = producerMetrics(pipeline.sink().producer());
      Map<String, Long> status = memoryStatus();

      Losses lostAt = session.counters().lostAt();
      long kernelLost = lostAt.kernel() + lostAt.share();
      long queueLost = lostAt.queue();
      long[] appendedAfter = pipeline.kafka() ? broker.appended() : null;
      return new Step(
          pipeline.name(),
          rate,
          offered,
          counters.events(),
          kernelLost,
          queueLost,
          counters.lost() - kernelLost - queueLost,
          offered.offered() - whenLoadStopped.events() - whenLoadStopped.lost(),
          (drained - loadStopped) / 1_000_000,
          drained - start,
          cpuAfter - cpuBefore,
          threadGroupDeltas(threadsBefore, threadsAfter),
          status.getOrDefault("VmRSS", -1L),
          status.getOrDefault("VmHWM", -1L),
          appendedAfter == null ? -1 : appendedAfter[0] - appendedBefore[0],
          appendedAfter == null ? -1 : appendedAfter[1] - appendedBefore[1],
          (brokerTicksAfter - brokerTicksBefore) * (1e9 / USER_HZ) / (drained - start),
          metricDeltas(producerBefore, producerAfter),
          othersOnCore(coreBefore, coreAfter, cpuAfter - cpuBefore));
    } finally {
      session.close();
      gadget.close();
    }
  }

  /** Runs the generator's driver on the broker's core for one step. */
  private DriverResult drive(long rate, double stepSeconds, List<String> driverPrefix)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("taskset", "-c", "0", "chrt", "--fifo", "10"));
    command.addAll(driverPrefix);
    command.addAll(
        List.of(
            driver.toAbsolutePath().toString(),
            Long.toString(rate),
            Double.toString(stepSeconds),
            Long.toString(periodMicros)));
    command.addAll(EXEC_ARGS);
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(process.getInputStream().readAllBytes()).strip();
    check(process.waitFor() == 0, "execgen_driver failed: " + output);
    Map<String, Long> fields = keyValues(output);
    return new DriverResult(
        fields.get("offered"), fields.get("nanos"), fields.get("cpu_nanos"), fields.get("late"));
  }

  private static ControlRecord trace(String name) {
    return ControlRecord.streamStart(
        "nodepath-" + name,
        UUID.randomUUID().toString(),
        NODE,
        GadgetCatalog.EXECSNOOP.name(),
        null,
        UUID.randomUUID().toString(),
        Instant.now());
  }

  // ---- Output

  private void printSetup() throws IOException {
    System.out.printf(
        Locale.ROOT,
        "agent JVM: %s, %d available processor(s), max heap %d MiB, GC %s%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(", ")));
    System.out.printf(
        Locale.ROOT,
        "agent JVM options: %s; MALLOC_ARENA_MAX=%s%n",
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()),
        Objects.requireNonNullElse(System.getenv("MALLOC_ARENA_MAX"), "(unset)"));
    System.out.printf(
        Locale.ROOT,
        "agent CPU affinity: %s; ring %d KiB; event queue %d; steps of %.0f s; generator bursts"
            + " every %d us%n"
            + "broker (own JVM, -Xmx1g) and generator (real-time priority) on core 0%n",
        cpusAllowed(),
        options.ringBufferBytes() >> 10,
        NodeConfig.DEFAULT_EVENT_QUEUE_BYTES,
        seconds,
        periodMicros);
    System.out.println(
        switch (enrichment) {
          case "on" ->
              "enrichment on: the generator runs in a container the registry knows, every event is"
                  + " looked up and named (namespace, pod, container)";
          case "compare" ->
              "enrichment compared, no Kafka: no-op = generator on the host, every lookup misses"
                  + " (empty namespace, pod, container); named = generator in a container the"
                  + " registry knows, every event named";
          default ->
              "enrichment off: the generator runs on the host, every lookup misses (empty"
                  + " namespace, pod, container)";
        });
  }

  private static void printHeader() {
    System.out.println(
        "pipeline  target/s   offered/s delivered/s     lost  drain ms  agent CPU  us/event"
            + "  RSS MiB  peak MiB  gen CPU  broker +records  noise  sustained");
  }

  private static void printStep(Step step) {
    System.out.printf(
        Locale.ROOT,
        "%-8s %9d %11.0f %11.0f %8d %9d %10.2f %9.2f %8.0f %9.0f %8.2f %16s %6.2f  %s%n",
        step.pipeline(),
        step.targetRate(),
        step.offeredRate(),
        step.deliveredRate(),
        step.lost(),
        step.drainMillis(),
        step.agentCores(),
        step.cpuMicrosPerEvent(),
        step.rssKiB() / 1024.0,
        step.peakRssKiB() / 1024.0,
        (double) step.driver().cpuNanos() / step.driver().nanos(),
        step.brokerAppended() < 0 ? "-" : Long.toString(step.brokerAppended()),
        step.othersOnAgentCore(),
        step.sustained() ? "yes" : "NO");
    StringBuilder details = new StringBuilder("          threads, cores (context switches/s):");
    step.threadUse()
        .forEach(
            (group, use) ->
                details.append(
                    String.format(
                        Locale.ROOT,
                        " %s %.2f (%.0f)",
                        group,
                        (double) use.nanos() / step.nanos(),
                        use.switches() * 1e9 / step.nanos())));
    if (step.lost() > 0 || step.backlogWhenLoadStopped() > 0) {
      details.append(
          String.format(
              Locale.ROOT,
              "; lost in ring %d, queue %d, Kafka %d; backlog when the load stopped %d",
              step.kernelLost(),
              step.queueLost(),
              step.otherLost(),
              step.backlogWhenLoadStopped()));
    }
    if (step.brokerAppended() > 0) {
      details.append(
          String.format(
              Locale.ROOT,
              "; on disk %.0f bytes/event; broker CPU %.2f cores; producer: %s",
              (double) step.brokerBytes() / step.brokerAppended(),
              step.brokerCores(),
              step.producerMetrics().entrySet().stream()
                  .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                  .collect(Collectors.joining(", "))));
    }
    if (step.driver().late() > 0) {
      details.append("; generator woke late ").append(step.driver().late()).append(" times");
    }
    System.out.println(details);
  }

  /** The highest sustained rates and the CPU per event of a pipeline against no-op's. */
  private static void printRatios(
      Map<String, List<Step>> steps,
      Map<String, Long> best,
      Map<String, Boolean> limitNotReached,
      String pipeline) {
    System.out.printf(
        Locale.ROOT,
        "ratio %s / no-op (highest sustained rates): %s%.2f%n",
        pipeline,
        limitNotReached.getOrDefault("no-op", false) ? "at most " : "",
        (double) best.getOrDefault(pipeline, 0L) / Math.max(1, best.getOrDefault("no-op", 0L)));
    List<Double> cpuRatios = new ArrayList<>();
    for (Step step : steps.get(pipeline)) {
      steps.getOrDefault("no-op", List.of()).stream()
          .filter(b -> b.targetRate() == step.targetRate() && b.sustained() && step.sustained())
          .findFirst()
          .ifPresent(b -> cpuRatios.add(step.cpuMicrosPerEvent() / b.cpuMicrosPerEvent()));
    }
    if (!cpuRatios.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "agent CPU per event, %s / no-op, median over %d rates both sustained: %.2f%n",
          pipeline,
          cpuRatios.size(),
          median(cpuRatios));
    }
    // On a busy machine few steps are sustained; CPU per delivered event still compares.
    List<Double> allCpuRatios = new ArrayList<>();
    for (Step step : steps.get(pipeline)) {
      steps.getOrDefault("no-op", List.of()).stream()
          .filter(b -> b.targetRate() == step.targetRate())
          .findFirst()
          .ifPresent(b -> allCpuRatios.add(step.cpuMicrosPerEvent() / b.cpuMicrosPerEvent()));
    }
    if (!allCpuRatios.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "agent CPU per delivered event, %s / no-op, median over all %d rates run: %.2f%n",
          pipeline,
          allCpuRatios.size(),
          median(allCpuRatios));
    }
  }

  private static void printSummary(Map<String, List<Step>> steps) {
    System.out.println();
    Map<String, Long> best = new LinkedHashMap<>();
    Map<String, Boolean> limitNotReached = new HashMap<>();
    steps.forEach(
        (pipeline, list) -> {
          long highest =
              list.stream().filter(Step::sustained).mapToLong(Step::targetRate).max().orElse(0);
          boolean sustainedTheLast = list.getLast().sustained();
          best.put(pipeline, highest);
          limitNotReached.put(pipeline, sustainedTheLast);
          System.out.printf(
              Locale.ROOT,
              "%-6s highest rate sustained with zero loss: %,d events/s%s%n",
              pipeline,
              highest,
              sustainedTheLast ? " (the highest rate run: its limit is higher)" : "");
        });
    for (String pipeline : steps.keySet()) {
      if (!pipeline.equals("no-op") && !pipeline.equals("kafka")) {
        printRatios(steps, best, limitNotReached, pipeline);
      }
    }
    long baseline = best.getOrDefault("no-op", 0L);
    long kafka = best.getOrDefault("kafka", 0L);
    if (baseline > 0) {
      System.out.printf(
          Locale.ROOT,
          "ratio kafka / no-op (highest sustained rates): %s%.2f%n",
          limitNotReached.getOrDefault("no-op", false) ? "at most " : "",
          (double) kafka / baseline);
    }
    List<Double> cpuRatios = new ArrayList<>();
    List<Step> kafkaSteps = steps.getOrDefault("kafka", List.of());
    for (Step k : kafkaSteps) {
      steps.getOrDefault("no-op", List.of()).stream()
          .filter(b -> b.targetRate() == k.targetRate() && b.sustained() && k.sustained())
          .findFirst()
          .ifPresent(b -> cpuRatios.add(k.cpuMicrosPerEvent() / b.cpuMicrosPerEvent()));
    }
    if (!cpuRatios.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "agent CPU per event, kafka / no-op, median over %d rates both sustained: %.2f%n",
          cpuRatios.size(),
          median(cpuRatios));
    }
    long zeroLoss = kafkaSteps.stream().filter(s -> s.lost() == 0).count();
    long verified = kafkaSteps.stream().filter(s -> s.lost() == 0 && s.verified()).count();
    System.out.printf(
        Locale.ROOT,
        "broker check: %d of %d zero-loss kafka steps appended exactly the offered events%n",
        verified,
        zeroLoss);
    System.out.printf(
        Locale.ROOT,
        "agent peak RSS over all steps: %.0f MiB%n",
        steps.values().stream().flatMap(List::stream).mapToLong(Step::peakRssKiB).max().orElse(0)
            / 1024.0);
  }

  // ---- What the agent process uses, from /proc

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private record ThreadCpu(String group, long nanos, long switches) {}

  /** Every thread's time on a CPU so far, from the scheduler's own account (ns). */
  private static Map<Integer, ThreadCpu> threadCpu() throws IOException {
    Map<Integer, ThreadCpu> threads = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String comm = Files.readString(task.resolve("comm")).strip();
          long nanos = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
          long switches = 0;
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.contains("ctxt_switches:")) {
              switches += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
          }
          threads.put(
              Integer.parseInt(task.getFileName().toString()),
              new ThreadCpu(group(comm), nanos, switches));
        } catch (IOException e) {
          // The thread ended meanwhile.
        }
      }
    }
    return threads;
  }

  /** Thread names as the kernel keeps them: the first 15 bytes. */
  private static String group(String comm) {
    if (comm.startsWith("gadgetflow-ring")) {
      return "ring-reader";
    } else if (comm.startsWith("gadgetflow-even")) {
      return "sink-sender";
    } else if (comm.startsWith("kafka-producer")) {
      return "kafka-io";
    } else if (comm.startsWith("C1 ") || comm.startsWith("C2 ")) {
      return "jit";
    } else if (comm.startsWith("GC ") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
      return "gc";
    }
    return "other";
  }

  /** What one group of threads used in a step: time on a CPU and context switches. */
  private record GroupUse(long nanos, long switches) {
    GroupUse plus(long moreNanos, long moreSwitches) {
      return new GroupUse(nanos + moreNanos, switches + moreSwitches);
    }
  }

  private static Map<String, GroupUse> threadGroupDeltas(
      Map<Integer, ThreadCpu> before, Map<Integer, ThreadCpu> after) {
    Map<String, GroupUse> groups = new LinkedHashMap<>();
    for (String group : List.of("ring-reader", "sink-sender", "kafka-io", "gc", "jit", "other")) {
      groups.put(group, new GroupUse(0, 0));
    }
    after.forEach(
        (tid, thread) -> {
          ThreadCpu earlier = before.getOrDefault(tid, new ThreadCpu(thread.group(), 0, 0));
          groups.compute(
              thread.group(),
              (group, use) ->
                  use.plus(
                      thread.nanos() - earlier.nanos(), thread.switches() - earlier.switches()));
        });
    return groups;
  }

  /**
   * The agent's core's busy and total time so far, in clock ticks, from /proc/stat: what else ran
   * there (other processes, interrupts, the hypervisor) is the machine's noise in a step.
   */
  private static long[] agentCoreTicks() throws IOException {
    String cpu = "cpu" + AGENT_CORE + " ";
    for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
      if (line.startsWith(cpu)) {
        long[] ticks =
            Arrays.stream(line.substring(cpu.length()).strip().split("\\s+"))
                .mapToLong(Long::parseLong)
                .toArray();
        long total = 0;
        for (int i = 0; i < Math.min(ticks.length, 8); i++) {
          total += ticks[i];
        }
        long idle = ticks[3] + ticks[4];
        return new long[] {total - idle, total};
      }
    }
    return new long[] {0, 0};
  }

  /**
   * Waits, up to a while, until other processes leave the agent's core alone: on a shared machine,
   * a step that starts while someone builds measures the build too.
   */
  private static void awaitQuietCore() throws Exception {
    long deadline = System.nanoTime() + QUIET_WAIT_LIMIT.toNanos();
    while (true) {
      long cpuBefore = processCpuNanos();
      long[] before = agentCoreTicks();
      Thread.sleep(QUIET_SAMPLE.toMillis());
      double others = othersOnCore(before, agentCoreTicks(), processCpuNanos() - cpuBefore);
      if (others < NOISE_LIMIT) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        System.out.printf(
            Locale.ROOT,
            "          (others still use %.0f %% of the agent's core)%n",
            others * 100);
        return;
      }
    }
  }

  /** Share of the agent's core that was busy with something other than the agent. */
  private static double othersOnCore(long[] before, long[] after, long agentCpuNanos) {
    long total = after[1] - before[1];
    if (total <= 0) {
      return 0;
    }
    double busy = (double) (after[0] - before[0]) / total;
    double tickNanos = 1e9 / USER_HZ;
    double agent = agentCpuNanos / (total * tickNanos);
    return Math.max(0, busy - agent);
  }

  /** VmRSS, VmHWM and the like, in KiB. */
  private static Map<String, Long> memoryStatus() throws IOException {
    Map<String, Long> values = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Vm") && line.endsWith(" kB")) {
        String[] parts = line.split("\\s+");
        values.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]));
      }
    }
    return values;
  }

  /** Makes VmHWM the current RSS, so that each step reports its own peak. */
  private static void resetPeakRss() throws IOException {
    Files.writeString(Path.of("/proc/self/clear_refs"), "5");
  }

  private static String cpusAllowed() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(line -> line.startsWith("Cpus_allowed_list:"))
        .map(line -> line.substring(line.indexOf(':') + 1).strip())
        .findFirst()
        .orElse("?");
  }

  // ---- Producer settings compared in the same run

  /**
   * PRODUCER_VARIANTS, e.g. {@code zstd1:compression.type=zstd,compression.zstd.level=1;snappy:
   * compression.type=snappy}: each a further Kafka pipeline whose producer has the agent's settings
   * with these changed.
   */
  private static Map<String, Map<String, String>> producerVariants() {
    Map<String, Map<String, String>> variants = new LinkedHashMap<>();
    String spec = Objects.requireNonNullElse(System.getenv("PRODUCER_VARIANTS"), "").strip();
    if (spec.isEmpty()) {
      return variants;
    }
    for (String variant : spec.split(";")) {
      String[] nameAndSettings = variant.strip().split(":", 2);
      check(nameAndSettings.length == 2, "PRODUCER_VARIANTS: name:key=value,... not " + variant);
      Map<String, String> overrides = new LinkedHashMap<>();
      for (String setting : nameAndSettings[1].split(",")) {
        String[] keyValue = setting.strip().split("=", 2);
        check(keyValue.length == 2, "PRODUCER_VARIANTS: key=value, not " + setting);
        overrides.put(keyValue[0], keyValue[1]);
      }
      check(
          !List.of("no-op", "kafka", "named").contains(nameAndSettings[0]),
          "PRODUCER_VARIANTS: name taken: " + nameAndSettings[0]);
      variants.put(nameAndSettings[0], overrides);
    }
    return variants;
  }

  /**
   * A sink like the agent's, around a Kafka producer with the agent's settings changed by {@code
   * overrides}, its client id ending in {@code clientIdSuffix}.
   */
  private static Sink kafkaSink(
      NodeConfig config, String clientIdSuffix, Map<String, String> overrides) {
    Properties settings = EventSink.producerConfig(config.kafka(), config.nodeName());
    settings.put("client.id", settings.getProperty("client.id") + clientIdSuffix);
    settings.putAll(overrides);
    return Sink.around(
        new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer()),
        config);
  }

  /** The variants' sinks, closed together. */
  private static final class SinkList implements AutoCloseable {
    private final List<Sink> sinks = new ArrayList<>();

    Sink add(Sink sink) {
      sinks.add(sink);
      return sink;
    }

    @Override
    public void close() {
      sinks.forEach(Sink::close);
    }
  }

  // ---- The baseline's producer

  /** Reads what a serializer would read of each record, then acknowledges it. */
  private static final class AcknowledgingProducer implements Producer<byte[], byte[]> {
    private static final RecordMetadata METADATA =
        new RecordMetadata(new TopicPartition("baseline", 0), 0, 0, 0, 0, 0);
    private static final Future<RecordMetadata> DONE = CompletableFuture.completedFuture(METADATA);

    /** What the records carried, also to keep the JIT from proving them unused. */
    volatile long records;

    volatile long valueBytes;
    volatile long headerBytes;

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
      long bytes = 0;
      for (Header header : record.headers()) {
        bytes += header.key().length() + header.value().length;
      }
      records++;
      valueBytes += record.value().length;
      headerBytes += bytes;
      if (callback != null) {
        callback.onCompletion(METADATA, null);
      }
      return DONE;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
      return send(record, null);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public void close(Duration timeout) {}

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
      return List.of();
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
      return Map.of();
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void initTransactions() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void beginTransaction() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void sendOffsetsToTransaction(
        Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void commitTransaction() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void abortTransaction() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {}

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {}
  }

  // ---- The broker's JVM

  /** Broker in a JVM pinned to core 0, with its data in a temporary directory of its own. */
  private static final class BrokerProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader output;
    private final PrintWriter input;
    final String bootstrapServers;

    private BrokerProcess(Process process) throws IOException {
      this.process = process;
      this.output = new BufferedReader(new InputStreamReader(process.getInputStream()));
      this.input = new PrintWriter(process.getOutputStream(), true);
      String line = output.readLine();
      check(line != null && line.startsWith("bootstrap="), "broker did not start: " + line);
      this.bootstrapServers = line.substring("bootstrap=".length());
    }

    static BrokerProcess start() throws IOException {
      Process process =
          new ProcessBuilder(
                  "taskset",
                  "-c",
                  "0",
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx1g",
                  "--enable-native-access=ALL-UNNAMED",
                  "--sun-misc-unsafe-memory-access=allow",
                  "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Broker.class.getName())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stopBroker(process)));
      try {
        return new BrokerProcess(process);
      } catch (IOException | RuntimeException e) {
        stopBroker(process);
        throw e;
      }
    }

    /** The broker JVM's CPU time so far, in clock ticks. */
    long cpuTicks() throws IOException {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime: fields 14 and 15 of the line, 12 and 13 after the name.
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Asks it to stop (it deletes its data then), and makes sure it does. */
    private static void stopBroker(Process process) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }

    /** Every record the broker appended to the events topic so far, and their bytes on disk. */
    long[] appended() throws IOException {
      input.println("offsets");
      String line = output.readLine();
      check(line != null && line.startsWith("offsets="), "broker answered: " + line);
      Map<String, Long> fields = keyValues(line);
      return new long[] {fields.get("offsets"), fields.get("bytes")};
    }

    /** Asks it to stop and waits; an interrupt is kept for the caller. */
    @Override
    public void close() {
      input.close();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- Helpers

  /**
   * Kafka producer metrics that tell whether it waited for the broker: time blocked for buffer
   * space (ms, cumulative), and the latency of produce requests (ms, a window's average and max).
   */
  private static Map<String, Double> producerMetrics(Producer<?, ?> producer) {
    Map<String, Double> values = new LinkedHashMap<>();
    producer
        .metrics()
        .forEach(
            (name, metric) -> {
              if (name.group().equals("producer-metrics")
                  && PRODUCER_METRICS.containsKey(name.name())
                  && metric.metricValue() instanceof Number number) {
                values.put(PRODUCER_METRICS.get(name.name()), number.doubleValue());
              }
            });
    return values;
  }

  /** Cumulative metrics as differences, the others as they were at the end. */
  private static Map<String, Double> metricDeltas(
      Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> deltas = new LinkedHashMap<>();
    after.forEach(
        (name, value) ->
            deltas.put(
                name,
                name.startsWith("waited")
                    ? (value - before.getOrDefault(name, 0.0)) / 1e6
                    : value));
    return deltas;
  }

  /** {@code a=1 b=2} */
  private static Map<String, Long> keyValues(String line) {
    return Arrays.stream(line.strip().split(" "))
        .map(field -> field.split("="))
        .collect(Collectors.toMap(pair -> pair[0], pair -> Long.parseLong(pair[1])));
  }
}
