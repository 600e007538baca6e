package io.gadgetflow.bench.peers;

import static io.gadgetflow.bench.shared.Figures.check;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.Losses;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.kafka.ControlPartitions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * GadgetFlow's node agent beside the reference tracers, on the same storms of real syscalls: the
 * agent as the DaemonSet runs it (its own JVM, the DaemonSet's JVM options, default settings,
 * events into a KRaft broker on this machine), libbpf-tools' opensnoop and execsnoop, and
 * bpftrace's opensnoop.bt and execsnoop.bt. See bench/README.md, "peers".
 *
 * <p>Arguments: SECONDS per step (10), RATES (50000,100000,200000,400000), WORKLOADS
 * (open,exec,flood,contract), TRACERS (gadgetflow,libbpf-tools,bpftrace). Environment: STORM (the
 * generator, built by run.sh), AGENT_JAR (cli/target/gadgetflow.jar), AGENT_AOT_CACHE (the node
 * image's AOT cache for that jar, which run.sh makes; empty: none), AGENT_JVM_OPTIONS (the
 * DaemonSet's JDK_JAVA_OPTIONS, read from k8s/install/07-node.yaml, as are its MALLOC_ARENA_MAX and
 * GADGETFLOW_EVENT_FORM, which the agent gets too), GADGETFLOW_ENV (more GADGETFLOW_* settings for
 * the agent, as NAME=VALUE separated by spaces: none by default).
 */
public final class PeersBench {
  private static final String NODE = "peers-bench";
  private static final Path DAEMONSET = Path.of("k8s/install/07-node.yaml");

  /**
   * Variables of the DaemonSet's agent container, besides JDK_JAVA_OPTIONS, that the agent gets:
   * glibc's, and GadgetFlow's that change what it measures.
   */
  private static final List<String> DAEMONSET_SETTINGS =
      List.of("MALLOC_ARENA_MAX", "GADGETFLOW_EVENT_FORM");

  private static final long TICKS_PER_SECOND = 100;
  private static final Pattern LOST = Pattern.compile("[Ll]ost (\\d+) (?:events|samples)");
  private static final byte[] WARNING = "\"type\":\"warn\"".getBytes(UTF_8);
  private static final Duration QUIET_FOR = Duration.ofSeconds(2);

  /** The rate of the small storms that show a tracer is ready (the agent's, the peers'). */
  private static final long PROBE_RATE = 20_000;

  /** A line of the agent's loss counter, {@code NodeMetrics}: its gadget, place and value. */
  private static final Pattern LOST_AT =
      Pattern.compile(
          "gadgetflow_node_lost_events_total\\{(?=.*gadget=\"(\\w+)\")(?=.*place=\"(\\w+)\").*\\}"
              + " ([0-9.eE+]+)");

  /** The workload that measures flood isolation ({@link FloodIsolation}) instead of a table row. */
  private static final String FLOOD = "flood";

  /** The workload that measures the event contract's cost ({@link EventContractCost}). */
  private static final String CONTRACT = "contract";

  private final int seconds;
  private final Path storm;
  private final Path work;
  private final List<String> lines = new ArrayList<>();

  /** The workloads whose first step the agent has run: it runs each one's first step twice. */
  private final Set<String> agentWarmedUp = new HashSet<>();

  private final HttpClient http = HttpClient.newHttpClient();

  /** The agent's /metrics port, once it runs. */
  private int agentMetricsPort;

  /**
   * @param jitCpuSeconds of {@code cpuSeconds}, what the agent's JIT compiler threads spent; -1 for
   *     the peers, which have none
   * @param lostAt where the agent lost what it lost, from its metrics ({@code kernel 12, queue
   *     3,456}); empty for the peers, which do not say
   */
  private record Outcome(
      long delivered,
      long allEvents,
      long reportedLost,
      double cpuSeconds,
      double jitCpuSeconds,
      long peakRssKib,
      String lostAt) {}

  private PeersBench(int seconds, Path storm, Path work) {
    this.seconds = seconds;
    this.storm = storm;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    List<Long> rates =
        Arrays.stream((args.length > 1 ? args[1] : "50000,100000,200000,400000").split(","))
            .map(Long::parseLong)
            .toList();
    List<String> workloads =
        List.of((args.length > 2 ? args[2] : "open,exec," + FLOOD + "," + CONTRACT).split(","));
    List<String> tracers =
        List.of((args.length > 3 ? args[3] : "gadgetflow,libbpf-tools,bpftrace").split(","));
    Path work = Files.createTempDirectory("gadgetflow-peers-");
    PeersBench bench =
        new PeersBench(seconds, Path.of(System.getenv("STORM")).toAbsolutePath(), work);
    bench.run(rates, workloads, tracers);
  }

  private void run(List<Long> rates, List<String> workloads, List<String> tracers)
      throws Exception {
    Process broker = null;
    Process agent = null;
    List<String> floodRows = List.of();
    List<String> contractRows = List.of();
    try {
      broker = startBroker();
      String bootstrap = readBootstrap(broker);
      if (tracers.contains("gadgetflow")) {
        agent = startAgent(bootstrap);
      }
      try (Kafka kafka = new Kafka(bootstrap)) {
        say("machine: %s", machine());
        for (String workload : workloads) {
          if (workload.equals(FLOOD) || workload.equals(CONTRACT)) {
            continue;
          }
          for (int r = 0; r < rates.size(); r++) {
            long rate = rates.get(r);
            Storm untraced = runStorm(workload, rate, seconds);
            row(workload, rate, "untraced", untraced, null, untraced);
            // Each rate starts with another tracer: none always runs on the freshest machine.
            for (int t = 0; t < tracers.size(); t++) {
              String tracer = tracers.get((t + r) % tracers.size());
              if (tracer.equals("gadgetflow")) {
                gadgetflowStep(kafka, agent, workload, rate, untraced);
              } else {
                peerStep(tracer, workload, rate, untraced);
              }
            }
          }
        }
      }
      // Last, without the agent: its unfiltered trace would read the flood too.
      stop(agent);
      agent = null;
      if (workloads.contains(FLOOD)) {
        say("flood isolation: load %s", Files.readString(Path.of("/proc/loadavg")).strip());
        floodRows = FloodIsolation.run(storm, bootstrap, NODE + "-flood", seconds);
        floodRows.forEach(System.out::println);
      }
      if (workloads.contains(CONTRACT)) {
        say("event contract: load %s", Files.readString(Path.of("/proc/loadavg")).strip());
        contractRows = EventContractCost.run(bootstrap, NODE + "-contract");
        contractRows.forEach(System.out::println);
      }
    } finally {
      stop(agent);
      stop(broker);
    }
    System.out.println();
    System.out.println(
        "| workload | offered/s | tracer | achieved/s | delivered | lost (reported) | lost where"
            + " (agent) | tracer CPU µs/event | of which JIT (agent) | added ns per call | peak RSS"
            + " MiB | all events | load |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    lines.forEach(System.out::println);
    if (!floodRows.isEmpty()) {
      System.out.println();
      System.out.println("| pod (own trace) | offered/s | achieved/s | calls | delivered | lost |");
      System.out.println("|---|---|---|---|---|---|");
      floodRows.forEach(System.out::println);
    }
    if (!contractRows.isEmpty()) {
      System.out.println();
      System.out.println(
          "| event form | events | producer CPU µs/event | events/s | bytes sent/event |");
      System.out.println("|---|---|---|---|---|");
      contractRows.forEach(System.out::println);
    }
  }

  // ---- Steps

  private void gadgetflowStep(
      Kafka kafka, Process agent, String workload, long rate, Storm untraced) throws Exception {
    // The agent traces only in its own step, as each peer does: its BPF program in the untraced
    // run's and the peers' syscalls, and its JVM on their core, would burden them with its costs.
    String traceUid = kafka.startTrace(workload);
    awaitAgentEvents(kafka, workload);
    try {
      if (agentWarmedUp.add(workload)) {
        // The agent's first step of a workload also pays for the JIT compiling its path and
        // Kafka's producer: a node agent runs for hours, so the same step again is the row;
        // the first is kept as a row of its own.
        agentStep(kafka, agent, workload, rate, untraced, "gadgetflow (first step)");
      }
      agentStep(kafka, agent, workload, rate, untraced, "gadgetflow");
    } finally {
      kafka.endTrace(traceUid);
    }
    awaitGadgetUnloaded(gadgetOf(workload));
  }

  private void agentStep(
      Kafka kafka, Process agent, String workload, long rate, Storm untraced, String label)
      throws Exception {
    Map<TopicPartition, Long> before = kafka.endOffsets();
    Map<String, Long> lostBefore = agentLostAt(gadgetOf(workload));
    long cpuBefore = cpuTicks(agent.pid());
    long jitBefore = compilerTicks(agent.pid());
    Storm traced = runStorm(workload, rate, seconds);
    Counted counted = kafka.countUntilCaughtUp(before, traced, marker(workload));
    long cpuTicks = cpuTicks(agent.pid()) - cpuBefore;
    long jitTicks = compilerTicks(agent.pid()) - jitBefore;
    Map<String, Long> lostAfter = agentLostAt(gadgetOf(workload));
    row(
        workload,
        rate,
        label,
        traced,
        new Outcome(
            counted.delivered(),
            counted.all(),
            counted.lost(),
            (double) cpuTicks / TICKS_PER_SECOND,
            (double) jitTicks / TICKS_PER_SECOND,
            peakRssKib(agent.pid()),
            lostSince(lostBefore, lostAfter)),
        untraced);
  }

  private static String gadgetOf(String workload) {
    return (workload.equals("open") ? GadgetCatalog.OPENSNOOP : GadgetCatalog.EXECSNOOP).name();
  }

  /** The agent's {@code gadgetflow_node_lost_events_total} of {@code gadget}, by place. */
  private Map<String, Long> agentLostAt(String gadget) throws Exception {
    Map<String, Long> lostAt = new java.util.LinkedHashMap<>();
    for (String line : agentMetrics()) {
      Matcher matched = LOST_AT.matcher(line);
      if (matched.matches() && matched.group(1).equals(gadget)) {
        lostAt.put(matched.group(2), (long) Double.parseDouble(matched.group(3)));
      }
    }
    check(!lostAt.isEmpty(), "the agent's /metrics has no loss counter of " + gadget);
    return lostAt;
  }

  /**
   * Waits until the agent has unloaded {@code gadget}: its ring buffer's gauge, which the agent
   * keeps while the gadget runs, is gone from its metrics.
   */
  private void awaitGadgetUnloaded(String gadget) throws Exception {
    String ringGauge = "gadgetflow_node_ring_buffer_fill_ratio{";
    String ofGadget = "gadget=\"" + gadget + "\"";
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (agentMetrics().stream().anyMatch(l -> l.startsWith(ringGauge) && l.contains(ofGadget))) {
      check(System.nanoTime() < deadline, "the agent still runs " + gadget + " a minute after");
      Thread.sleep(100);
    }
  }

  private List<String> agentMetrics() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentMetricsPort + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    check(response.statusCode() == 200, "the agent's /metrics answered " + response.statusCode());
    return List.of(response.body().split("\n"));
  }

  /** What each place lost between the two readings, the places that lost nothing left out. */
  private static String lostSince(Map<String, Long> before, Map<String, Long> after) {
    List<String> places = new ArrayList<>();
    for (Losses.Place place : Losses.Place.values()) {
      long lost = after.getOrDefault(place.label(), 0L) - before.getOrDefault(place.label(), 0L);
      if (lost != 0) {
        places.add(String.format(Locale.ROOT, "%s %,d", place.label(), lost));
      }
    }
    return places.isEmpty() ? "none" : String.join(", ", places);
  }

  private void peerStep(String tracer, String workload, long rate, Storm untraced)
      throws Exception {
    Path out = work.resolve(tracer + "-" + workload + "-" + rate + ".out");
    Path err = work.resolve(tracer + "-" + workload + "-" + rate + ".err");
    List<String> command = new ArrayList<>(List.of("taskset", "-c", "1"));
    command.addAll(peerCommand(tracer, workload));
    Process peer =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      String notReady = awaitOutput(out, err, peer, tracer.equals("bpftrace") ? 3 : 1, workload);
      if (notReady != null) {
        // One tracer that does not start must not cost the rest of the run its rows.
        skippedRow(workload, rate, tracer, notReady);
        return;
      }
      long start = Files.size(out);
      long cpuBefore = cpuTicks(peer.pid());
      Storm traced = runStorm(workload, rate, seconds);
      long[] counted = countLinesUntilCaughtUp(out, start, traced, marker(workload));
      long cpuTicks = cpuTicks(peer.pid()) - cpuBefore;
      long peak = peakRssKib(peer.pid());
      interrupt(peer);
      long lost = counted[2] + sumLost(Files.readString(err));
      row(
          workload,
          rate,
          tracer,
          traced,
          new Outcome(
              counted[0], counted[1], lost, (double) cpuTicks / TICKS_PER_SECOND, -1, peak, ""),
          untraced);
    } finally {
      peer.destroyForcibly();
      Files.deleteIfExists(out);
    }
  }

  private static List<String> peerCommand(String tracer, String workload) {
    return switch (tracer + "/" + workload) {
      case "libbpf-tools/open" -> List.of("/usr/sbin/opensnoop");
      // -x: failed execs too, as GadgetFlow and execsnoop.bt report them.
      case "libbpf-tools/exec" -> List.of("/usr/sbin/execsnoop", "-x");
      case "bpftrace/open" -> List.of("bpftrace", "/usr/sbin/opensnoop.bt");
      case "bpftrace/exec" -> List.of("bpftrace", "/usr/sbin/execsnoop.bt");
      default -> throw new IllegalArgumentException("no tracer " + tracer + " for " + workload);
    };
  }

  // ---- Processes

  private Process startBroker() throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "taskset",
                "-c",
                "0",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                "io.gadgetflow.bench.nodepath.Broker"));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static String readBootstrap(Process broker) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(broker.getInputStream(), UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("bootstrap=")) {
        return line.substring("bootstrap=".length());
      }
    }
    throw new IllegalStateException("the broker ended before it was ready");
  }

  /**
   * The agent as k8s/install/07-node.yaml and k8s/images/Dockerfile run it: the image's java
   * command line, the DaemonSet's JDK_JAVA_OPTIONS, default settings. Without container awareness
   * (no API server here); its container lookups then all miss, as for host processes.
   */
  private Process startAgent(String bootstrap) throws IOException {
    String jar = System.getenv().getOrDefault("AGENT_JAR", "cli/target/gadgetflow.jar");
    List<String> command =
        new ArrayList<>(
            List.of(
                "taskset",
                "-c",
                "1",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-XX:MaxRAMPercentage=75"));
    // The node image's AOT cache, made by the same training for this jar and this JDK (run.sh).
    String aotCache = System.getenv().getOrDefault("AGENT_AOT_CACHE", "");
    if (!aotCache.isEmpty()) {
      command.add("-XX:AOTCache=" + aotCache);
    }
    command.addAll(List.of("-jar", jar, "node"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("agent.log").toFile());
    Map<String, String> env = builder.environment();
    String jvmOptions = daemonSetValue("JDK_JAVA_OPTIONS");
    check(jvmOptions != null, "no JDK_JAVA_OPTIONS in " + DAEMONSET);
    env.put("JDK_JAVA_OPTIONS", System.getenv().getOrDefault("AGENT_JVM_OPTIONS", jvmOptions));
    // glibc's, read by the JVM's own allocations (the DaemonSet bounds its arenas), and the
    // agent's own that the DaemonSet sets; GADGETFLOW_ENV below may override them.
    for (String name : DAEMONSET_SETTINGS) {
      String value = daemonSetValue(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.put("GADGETFLOW_NODE_NAME", NODE);
    env.put("GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("GADGETFLOW_CONTAINER_AWARENESS", "false");
    agentMetricsPort = freePort();
    env.put("GADGETFLOW_METRICS_PORT", Integer.toString(agentMetricsPort));
    for (String setting : System.getenv().getOrDefault("GADGETFLOW_ENV", "").split(" ")) {
      if (!setting.isBlank()) {
        String[] nameValue = setting.split("=", 2);
        env.put(nameValue[0], nameValue[1]);
      }
    }
    say(
        "agent: %s, JDK_JAVA_OPTIONS=%s, MALLOC_ARENA_MAX=%s, GADGETFLOW_EVENT_FORM=%s,"
            + " GADGETFLOW_ENV=%s, log %s",
        command,
        env.get("JDK_JAVA_OPTIONS"),
        env.get("MALLOC_ARENA_MAX"),
        env.get("GADGETFLOW_EVENT_FORM"),
        System.getenv().getOrDefault("GADGETFLOW_ENV", ""),
        work);
    return builder.start();
  }

  /**
   * The value k8s/install/07-node.yaml gives the agent's environment variable {@code name}, or null
   * when it gives none.
   */
  private static String daemonSetValue(String name) throws IOException {
    List<String> manifest = Files.readAllLines(DAEMONSET);
    for (int i = 0; i + 1 < manifest.size(); i++) {
      if (manifest.get(i).strip().equals("- name: " + name)) {
        String value = manifest.get(i + 1).strip();
        check(value.startsWith("value: \""), "no value for " + name + " in " + DAEMONSET);
        return value.substring("value: \"".length(), value.length() - 1);
      }
    }
    return null;
  }

  /** Small storms until the agent's trace delivers: it has started and the JIT has begun. */
  private void awaitAgentEvents(Kafka kafka, String workload) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      Map<TopicPartition, Long> before = kafka.endOffsets();
      Storm probe = runStorm(workload, PROBE_RATE, 2);
      Counted counted = kafka.countUntilCaughtUp(before, probe, marker(workload));
      if (counted.delivered() >= probe.offered()) {
        say(
            "agent traces %s (%d of %d probe events)",
            workload, counted.delivered(), probe.offered());
        return;
      }
    }
    throw new IllegalStateException("the agent delivered no events; see " + work);
  }

  private Storm runStorm(String workload, long rate, int stormSeconds) throws Exception {
    return Storm.await(Storm.start(storm, List.of(), workload, rate, stormSeconds));
  }

  /**
   * Waits until the tracer has printed {@code lines} lines (its header) and then gone quiet, with
   * small storms of {@code workload} while it has not: a tracer's output to a file is buffered, so
   * on a quiet machine execsnoop's header stays in its buffer until enough other execs come (it
   * printed nothing within a minute in several runs). The probes' events are printed before the
   * step starts, but for what is left in the tracer's buffer (some dozens of lines, counted among
   * the step's events of other processes).
   *
   * @return null once it printed, else why the step cannot run: the tracer ended, or printed
   *     nothing within a minute
   */
  private String awaitOutput(Path file, Path errors, Process process, int lines, String workload)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return "the tracer ended (exit " + process.exitValue() + "): " + firstLine(errors);
      }
      if (Files.size(file) > 0 && Files.readAllLines(file).size() >= lines) {
        awaitQuiet(file);
        return null;
      }
      Thread.sleep(500);
      runStorm(workload, PROBE_RATE, 1);
    }
    return "it printed nothing within a minute of probe storms";
  }

  private static String firstLine(Path file) throws IOException {
    return Files.readAllLines(file).stream().findFirst().orElse("nothing on stderr");
  }

  /** Waits until {@code file} has not grown for half a second, at most ten seconds. */
  private static void awaitQuiet(Path file) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long size = Files.size(file);
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      long now = Files.size(file);
      if (now == size) {
        return;
      }
      size = now;
    }
  }

  private static void interrupt(Process process) throws Exception {
    new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  private static void stop(Process process) throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  // ---- Reading what tracers wrote

  /**
   * What the storm's calls leave in every tracer's output: the path it opens, the program it fails
   * to execute. The storm's process also opens its libraries (and taskset's) before it starts.
   */
  private static String marker(String workload) {
    return workload.equals("open") ? "/dev/null" : "gf-storm-exec";
  }

  /**
   * Lines of the storm's calls (its pid in the first or second column, and the {@link #marker}),
   * all event lines, and the events the tracer said it lost, in what it wrote from {@code start} on
   * until it has written every call of the storm or none for a while: the other processes of this
   * machine keep it writing, so its output never goes quiet.
   */
  private static long[] countLinesUntilCaughtUp(Path file, long start, Storm storm, String marker)
      throws Exception {
    String pidText = Long.toString(storm.pid());
    long mine = 0;
    long all = 0;
    long lost = 0;
    long lastMine = System.nanoTime();
    try (java.io.RandomAccessFile in = new java.io.RandomAccessFile(file.toFile(), "r")) {
      in.seek(start);
      StringBuilder line = new StringBuilder();
      byte[] buffer = new byte[1 << 20];
      while (mine < storm.offered() && System.nanoTime() - lastMine < QUIET_FOR.toNanos()) {
        int read = in.read(buffer);
        if (read <= 0) {
          Thread.sleep(100);
          continue;
        }
        for (int i = 0; i < read; i++) {
          char c = (char) (buffer[i] & 0xff);
          if (c != '\n') {
            line.append(c);
            continue;
          }
          String text = line.toString();
          line.setLength(0);
          lost += sumLost(text);
          String[] columns = text.strip().split("\\s+", 3);
          // An event line has the pid in its first column (opensnoop, the .bt tools' opensnoop)
          // or its second (execsnoop after the command's name, execsnoop.bt after the time).
          if (columns.length < 2 || !(isNumber(columns[0]) || isNumber(columns[1]))) {
            continue;
          }
          all++;
          if ((columns[0].equals(pidText) || columns[1].equals(pidText)) && text.contains(marker)) {
            mine++;
            lastMine = System.nanoTime();
          }
        }
      }
    }
    return new long[] {mine, all, lost};
  }

  private static boolean isNumber(String column) {
    return !column.isEmpty() && column.chars().allMatch(Character::isDigit);
  }

  private static long sumLost(String text) {
    long lost = 0;
    Matcher matcher = LOST.matcher(text);
    while (matcher.find()) {
      lost += Long.parseLong(matcher.group(1));
    }
    return lost;
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // utime and stime: the 14th and 15th fields, the 12th and 13th after the command's.
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /**
   * The CPU ticks of the JVM's JIT compiler threads of process {@code pid} ({@code C1
   * CompilerThread0}, {@code C2 CompilerThread0}, as the kernel shortens their names): what the
   * agent spends compiling its path rather than running it.
   */
  private static long compilerTicks(long pid) throws IOException {
    long ticks = 0;
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (NoSuchFileException ended) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (name.contains("CompilerThre")) {
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
      }
    }
    return ticks;
  }

  private static long peakRssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  // ---- Output

  private void row(
      String workload, long rate, String tracer, Storm storm, Outcome outcome, Storm untraced)
      throws IOException {
    String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    String line;
    if (outcome == null) {
      line =
          String.format(
              Locale.ROOT,
              "| %s | %,d | %s | %,.0f | | | | | | %.0f ns/call itself | | | %s |",
              workload,
              rate,
              tracer,
              storm.achievedRate(),
              storm.cpuNanosPerCall(),
              load);
    } else {
      line =
          String.format(
              Locale.ROOT,
              "| %s | %,d | %s | %,.0f | %,d (%.2f %%) | %,d | %s | %.2f | %s | %+.0f | %.0f | %,d |"
                  + " %s |",
              workload,
              rate,
              tracer,
              storm.achievedRate(),
              outcome.delivered(),
              100.0 * outcome.delivered() / storm.offered(),
              outcome.reportedLost(),
              outcome.lostAt(),
              outcome.allEvents() == 0 ? 0 : outcome.cpuSeconds() * 1e6 / outcome.allEvents(),
              outcome.jitCpuSeconds() < 0 || outcome.allEvents() == 0
                  ? ""
                  : String.format(
                      Locale.ROOT, "%.2f", outcome.jitCpuSeconds() * 1e6 / outcome.allEvents()),
              storm.cpuNanosPerCall() - untraced.cpuNanosPerCall(),
              outcome.peakRssKib() / 1024.0,
              outcome.allEvents(),
              load);
    }
    lines.add(line);
    System.out.println(line);
  }

  /** A row for a step that has no figures, and why. */
  private void skippedRow(String workload, long rate, String tracer, String why)
      throws IOException {
    String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    String line =
        String.format(
            Locale.ROOT,
            "| %s | %,d | %s | skipped: %s | | | | | | | | | %s |",
            workload,
            rate,
            tracer,
            why,
            load);
    lines.add(line);
    System.out.println(line);
  }

  private static void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
  }

  private static String machine() throws IOException {
    String model =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(line -> line.startsWith("model name"))
            .findFirst()
            .map(line -> line.substring(line.indexOf(':') + 2))
            .orElse("?");
    return String.format(
        Locale.ROOT,
        "%s, %d cpus, kernel %s, java %s, %s UTC, load %s",
        model,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.version"),
        System.getProperty("java.version"),
        Instant.now(),
        Files.readString(Path.of("/proc/loadavg")).strip());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  // ---- Kafka

  private record Counted(long delivered, long all, long lost) {}

  /** The control topic for the agent's traces, and counting in the events topic. */
  private static final class Kafka implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    Kafka(String bootstrap) {
      producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
              new ByteArraySerializer(),
              new ByteArraySerializer());
      consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                  10_000,
                  ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
                  64 * 1024 * 1024),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer());
      String topic = TopicNames.DEFAULTS.events();
      partitions =
          consumer.partitionsFor(topic).stream()
              .map(PartitionInfo::partition)
              .map(partition -> new TopicPartition(topic, partition))
              .toList();
      consumer.assign(partitions);
    }

    /**
     * Starts a trace of {@code workload}'s gadget on the agent, as the controller does: its uid.
     */
    String startTrace(String workload) throws Exception {
      String uid = UUID.randomUUID().toString();
      ControlRecord start =
          ControlRecord.streamStart(
              "peers-" + workload,
              uid,
              NODE,
              gadgetOf(workload),
              null,
              UUID.randomUUID().toString(),
              Instant.now());
      producer.send(controlRecord(uid, Json.encode(start))).get();
      return uid;
    }

    /** Ends trace {@code uid} as the controller does when its Trace is deleted: a tombstone. */
    void endTrace(String uid) throws Exception {
      producer.send(controlRecord(uid, null)).get();
    }

    /** A record of the agent's trace {@code uid}, placed as the controller places it. */
    private ProducerRecord<byte[], byte[]> controlRecord(String uid, byte[] value) {
      String topic = TopicNames.DEFAULTS.control();
      return new ProducerRecord<>(
          topic, ControlPartitions.of(producer, topic, NODE), uid.getBytes(UTF_8), value);
    }

    Map<TopicPartition, Long> endOffsets() {
      return consumer.endOffsets(partitions);
    }

    /**
     * Events of the storm's process, all events, and the losses warning events told of, from {@code
     * from} on, until the agent has delivered every call of the storm or none for a while: the
     * other processes of this machine keep it sending, so the topic never goes quiet.
     */
    Counted countUntilCaughtUp(Map<TopicPartition, Long> from, Storm storm, String marker) {
      byte[] pidField = (",\"pid\":" + storm.pid() + ",").getBytes(UTF_8);
      byte[] markerBytes = marker.getBytes(UTF_8);
      long mine = 0;
      long all = 0;
      long lost = 0;
      for (TopicPartition partition : partitions) {
        consumer.seek(partition, from.get(partition));
      }
      long lastMine = System.nanoTime();
      while (mine < storm.offered() && System.nanoTime() - lastMine < QUIET_FOR.toNanos()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          // A batch record (GADGETFLOW_EVENT_FORM=batch) holds one event a line.
          for (byte[] value : lines(record.value())) {
            if (indexOf(value, WARNING) >= 0) {
              lost += sumLost(new String(value, UTF_8));
            } else {
              all++;
              if (indexOf(value, pidField) >= 0 && indexOf(value, markerBytes) >= 0) {
                mine++;
                lastMine = System.nanoTime();
              }
            }
          }
        }
      }
      return new Counted(mine, all, lost);
    }

    private static List<byte[]> lines(byte[] value) {
      List<byte[]> lines = new ArrayList<>();
      int start = 0;
      for (int i = 0; i <= value.length; i++) {
        if (i == value.length || value[i] == '\n') {
          lines.add(Arrays.copyOfRange(value, start, i));
          start = i + 1;
        }
      }
      return lines;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
      outer:
      for (int i = 0; i <= haystack.length - needle.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (haystack[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }

    @Override
    public void close() {
      producer.close();
      consumer.close();
    }
  }
}
