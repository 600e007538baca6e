package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.MemoryCgroup;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl gadget trace signal|bind|mount|oomkill|fsslower|capabilities} with their
 * parameters as options, run by the real kubectl: the header once the node runs the gadget, then
 * the row of a known workload, in the columns asked for; Ctrl-C ends the run and leaves no Trace.
 */
@WithKafka
@WithKubernetes
// The Node objects registered for a test are its try-with-resources, referenced by nothing else.
@SuppressWarnings("try")
class TraceSyscallsIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  static GadgetFlowRoles roles;

  @TempDir Path directory;

  @BeforeAll
  static void startControllerAndNodeAgent(KubernetesCluster cluster, KafkaBroker kafka) {
    roles = GadgetFlowRoles.start(cluster, kafka);
  }

  @AfterAll
  static void stopControllerAndNodeAgent() {
    if (roles != null) {
      roles.close();
    }
  }

  @Test
  void traceSignal(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    String row =
        traceUntilRow(
            cluster,
            kafka,
            List.of("trace", "signal", "--signal", "SIGUSR1"),
            "pid,comm,signal,tpid,ret",
            // perl handles SIGUSR1 and sends it to itself: sender and target are one process.
            () -> run("perl", "-e", "$SIG{USR1} = sub {}; kill('USR1', $$) or die"),
            line -> line.contains("perl"));

    assertThat(row).matches("(\\d+) +perl +SIGUSR1 +\\1 +0");
  }

  @Test
  void traceBind(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    int port = freePort();
    String row =
        traceUntilRow(
            cluster,
            kafka,
            List.of("trace", "bind", "--ports", Integer.toString(port)),
            "node,comm,proto,addr,port,opts",
            () ->
                run(
                    "perl",
                    "-MSocket",
                    "-e",
                    "socket(S, AF_INET, SOCK_STREAM, 0) or die; bind(S, pack_sockaddr_in("
                        + port
                        + ", inet_aton('127.0.0.1'))) or die"),
            line -> line.contains("perl"));

    assertThat(row).matches(columns(roles.node(), "perl", "TCP", "127.0.0.1", port, "....."));
  }

  @Test
  void traceMount(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    String source = "gadgetflow-" + UUID.randomUUID();
    Path target = Files.createDirectory(directory.resolve("mounted"));
    String row =
        traceUntilRow(
            cluster,
            kafka,
            List.of("trace", "mount"),
            "comm,operation,source,target",
            () -> {
              run("mount", "-t", "tmpfs", source, target.toString());
              run("umount", target.toString());
            },
            line -> line.contains(source));

    assertThat(row).startsWith("mount").contains(source);
  }

  @Test
  void traceOomkill(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    List<Long> killed = new ArrayList<>();
    try (MemoryCgroup cgroup = MemoryCgroup.create(16L << 20)) {
      String row =
          traceUntilRow(
              cluster,
              kafka,
              List.of("trace", "oomkill"),
              "kpid,kcomm,tpid,tcomm",
              // dd's 32 MiB buffer cannot fit: the kernel kills dd itself.
              () -> killed.add(cgroup.runDdOverLimit(32L << 20).pid()),
              line -> line.contains(" dd"));

      assertThat(row).matches(columns(killed.getFirst(), "dd", killed.getFirst(), "dd"));
    }
  }

  @Test
  void traceFsslower(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    Path file = directory.resolve("fsslower-" + UUID.randomUUID());
    String row =
        traceUntilRow(
            cluster,
            kafka,
            List.of(
                "trace",
                "fsslower",
                "--filesystem",
                Files.getFileStore(directory).type(),
                "--min",
                "0"),
            "comm,op,bytes,offset,file",
            () ->
                run(
                    "dd",
                    "if=/dev/zero",
                    "of=" + file,
                    "bs=4096",
                    "count=1",
                    "seek=2",
                    "status=none"),
            line -> line.contains(" W ") && line.contains(file.getFileName().toString()));

    assertThat(row).matches(columns("dd", "W", 4096, 8192, file.getFileName()));
  }

  @Test
  void traceCapabilities(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    String row =
        traceUntilRow(
            cluster,
            kafka,
            List.of("trace", "capabilities", "--unique"),
            "comm,capName,verdict,syscall",
            // In a mount namespace of its own, perl's first check is its container's first.
            () -> run("unshare", "--mount", "perl", "-e", "setpriority(0, 0, -1) or die"),
            line -> line.contains("SYS_NICE"));

    assertThat(row).matches(columns("perl", "SYS_NICE", "Allow", "setpriority"));
  }

  /** A workload that may throw. */
  interface Workload {
    void run() throws Exception;
  }

  /**
   * Runs {@code kubectl gadget <command> -A -o custom-columns=<columns>}; once its header shows,
   * the workload; returns the first row that {@code isRow}, then presses Ctrl-C.
   */
  private static String traceUntilRow(
      KubernetesCluster cluster,
      KafkaBroker kafka,
      List<String> command,
      String columns,
      Workload workload,
      Predicate<String> isRow)
      throws Exception {
    try (AutoCloseable registered = GadgetFlowRoles.registerNodes(cluster, roles.node())) {
      List<String> arguments = new ArrayList<>(command);
      arguments.addAll(
          List.of(
              "-A",
              "-o",
              "custom-columns=" + columns,
              "--kubeconfig",
              cluster.kubeconfig().toString(),
              "--kafka-bootstrap",
              kafka.bootstrapServers()));
      PluginProcess plugin =
          PluginProcess.start(roles.environment(), arguments.toArray(String[]::new));
      try {
        String header = plugin.nextLine(TIMEOUT);
        assertThat(header)
            .as(plugin.stderr())
            .matches(String.join(" +", columns.toUpperCase().split(",")));
        workload.run();
        String row = awaitLine(plugin, isRow);

        plugin.interrupt();
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isEqualTo(130);
        assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
        return row;
      } finally {
        plugin.kill();
      }
    }
  }

  private static String awaitLine(PluginProcess plugin, Predicate<String> isRow)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      String line = plugin.nextLine(Duration.between(Instant.now(), deadline));
      if (line != null && isRow.test(line)) {
        return line;
      }
    }
    throw new AssertionError("no such row; stderr: " + plugin.stderr());
  }

  /** A row of these values, separated by the spaces that pad each column. */
  private static String columns(Object... values) {
    List<String> quoted = new ArrayList<>();
    for (Object value : values) {
      quoted.add(Pattern.quote(String.valueOf(value)));
    }
    return String.join(" +", quoted);
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
