package io.gadgetflow.local.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.local.LoopbackPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalControlPlaneIT {
  private static final Set<String> PROGRAMS = Set.of("etcd", "kube-apiserver");

  @TempDir Path dataDir;

  private LocalControlPlaneConfig config() {
    return LocalControlPlaneConfig.inDirectory(ControlPlaneBinaries.fromEnvironment(), dataDir)
        .withApiServerPort(0);
  }

  @Test
  void servesTracesInTheGadgetNamespaceAndStopsWithoutLeftovers() throws Exception {
    List<ProcessHandle> programs;
    try (LocalControlPlane controlPlane = LocalControlPlane.start(config());
        KubernetesClient client = controlPlane.newClient()) {
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().withName(Trace.CRD_NAME).get();
      assertThat(crd.getStatus().getConditions())
          .anySatisfy(
              condition -> {
                assertThat(condition.getType()).isEqualTo("Established");
                assertThat(condition.getStatus()).isEqualTo("True");
              });
      assertThat(client.namespaces().withName(Trace.DEFAULT_NAMESPACE).get()).isNotNull();
      assertThat(controlPlane.apiServerUrl()).startsWith("https://127.0.0.1:");
      assertThat(kubectl(controlPlane, "get", "namespace", "gadget", "-o", "name"))
          .isEqualTo("namespace/gadget");

      programs = runningPrograms();
      assertThat(programs)
          .extracting(LocalControlPlaneIT::programName)
          .containsExactlyInAnyOrderElementsOf(PROGRAMS);
      assertThat(listeningAddresses(ports(programs))).containsOnly("127.0.0.1");
    }

    assertThat(programs).noneMatch(ProcessHandle::isAlive);
    assertThat(runningPrograms()).isEmpty();
  }

  @Test
  void etcdServesOnlyAClientWithTheClusterAuthoritysCertificate() throws Exception {
    try (LocalControlPlane controlPlane = LocalControlPlane.start(config())) {
      String url =
          runningPrograms().stream()
              .filter(process -> programName(process).equals("etcd"))
              .flatMap(process -> Stream.of(process.info().arguments().orElseThrow()))
              .filter(argument -> argument.startsWith("--listen-client-urls="))
              .map(argument -> argument.substring(argument.indexOf('=') + 1))
              .findFirst()
              .orElseThrow();
      Path pki = dataDir.resolve("pki");
      String ca = pki.resolve("ca.crt").toString();

      // Any local user: plain HTTP, or TLS without a client certificate.
      assertThat(curl(url.replace("https:", "http:") + "/version")).doesNotContain("etcdserver");
      assertThat(curl("--cacert", ca, url + "/version")).doesNotContain("etcdserver");
      assertThat(curl("--cacert", ca, url + "/v3/kv/range", "-d", "{\"key\":\"Lw==\"}"))
          .doesNotContain("\"kvs\"");
      // The API server's certificate is let in.
      assertThat(
              curl(
                  "--cacert",
                  ca,
                  "--cert",
                  pki.resolve("apiserver-etcd-client.crt").toString(),
                  "--key",
                  pki.resolve("apiserver-etcd-client.key").toString(),
                  url + "/version"))
          .contains("etcdserver");
    }
  }

  /** What curl printed, its errors included, as a client on this machine sees the answer. */
  private static String curl(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
    command.addAll(List.of(arguments));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return output;
  }

  @Test
  void aRestartOnTheSameDataKeepsObjectsAndCredentials() throws Exception {
    try (LocalControlPlane controlPlane = LocalControlPlane.start(config());
        KubernetesClient client = controlPlane.newClient()) {
      client.resource(trace("kept")).create();
    }
    String firstCa = Files.readString(dataDir.resolve("pki/ca.crt"));

    try (LocalControlPlane controlPlane = LocalControlPlane.start(config());
        KubernetesClient client = controlPlane.newClient()) {
      Trace trace =
          client.resources(Trace.class).inNamespace(Trace.DEFAULT_NAMESPACE).withName("kept").get();
      assertThat(trace.getSpec().getGadget()).isEqualTo("execsnoop");
    }
    assertThat(Files.readString(dataDir.resolve("pki/ca.crt"))).isEqualTo(firstCa);
  }

  @Test
  void aSecondControlPlaneOnTheSameDataIsRefused() {
    try (LocalControlPlane first = LocalControlPlane.start(config())) {
      assertThatExceptionOfType(ControlPlaneStartException.class)
          .isThrownBy(() -> LocalControlPlane.start(config()))
          .withMessageContaining(dataDir + " is in use by another running control plane");

      assertThat(runningPrograms()).hasSize(2);
      assertThat(servesTheGadgetNamespace(first)).isTrue();
    }
  }

  @Test
  void programsLeftRunningOnTheDataDirectoryAreStoppedByTheNextStart() throws Exception {
    int[] ports = LoopbackPorts.freePorts(2);
    Process leftover =
        new ProcessBuilder(
                ControlPlaneCommands.etcd(
                    ControlPlaneBinaries.fromEnvironment().etcd(),
                    dataDir.resolve("etcd"),
                    ClusterCertificates.loadOrCreate(dataDir.resolve("pki")),
                    ports[0],
                    ports[1]))
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolve("leftover-etcd.log").toFile())
            .start();
    try (LocalControlPlane controlPlane = LocalControlPlane.start(config())) {
      assertThat(leftover.waitFor(0, TimeUnit.SECONDS)).isTrue();
      assertThat(runningPrograms()).hasSize(2);
      assertThat(servesTheGadgetNamespace(controlPlane)).isTrue();
    } finally {
      leftover.destroyForcibly();
    }
  }

  @Test
  void aProgramThatExitsFailsTheStartWithTheEndOfItsLog() throws IOException {
    // etcd cannot use a data directory that is a file.
    Files.writeString(dataDir.resolve("etcd"), "not a directory");

    assertThatExceptionOfType(ControlPlaneStartException.class)
        .isThrownBy(() -> LocalControlPlane.start(config()))
        .withMessageStartingWith("etcd exited with code")
        .withMessageContaining(dataDir.resolve("logs/etcd.log").toString());
    assertThat(runningPrograms()).isEmpty();
  }

  @Test
  void aTakenApiServerPortIsNamed() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatExceptionOfType(ControlPlaneStartException.class)
          .isThrownBy(
              () -> LocalControlPlane.start(config().withApiServerPort(taken.getLocalPort())))
          .withMessage(
              "The API server cannot listen on 127.0.0.1:"
                  + taken.getLocalPort()
                  + ": the port is already in use; stop what listens there or choose another port");
    }
    assertThat(runningPrograms()).isEmpty();
  }

  private static boolean servesTheGadgetNamespace(LocalControlPlane controlPlane) {
    try (KubernetesClient client = controlPlane.newClient()) {
      return client.namespaces().withName(Trace.DEFAULT_NAMESPACE).get() != null;
    }
  }

  private static Trace trace(String name) {
    TraceSpec spec = new TraceSpec();
    spec.setNode("node-1");
    spec.setGadget("execsnoop");
    spec.setRunMode(RunMode.MANUAL);
    spec.setOutputMode(OutputMode.STREAM);
    Trace trace = new Trace();
    trace.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(Trace.DEFAULT_NAMESPACE).build());
    trace.setSpec(spec);
    return trace;
  }

  /** The control plane's programs among this JVM's descendants. */
  private static List<ProcessHandle> runningPrograms() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(process -> PROGRAMS.contains(programName(process)))
        .toList();
  }

  private static String programName(ProcessHandle process) {
    return process
        .info()
        .command()
        .map(command -> Path.of(command).getFileName().toString())
        .orElse("");
  }

  /** The ports in the programs' {@code --...-urls=} and {@code --secure-port=} arguments. */
  private static Set<Integer> ports(List<ProcessHandle> programs) {
    return programs.stream()
        .flatMap(process -> Stream.of(process.info().arguments().orElseThrow()))
        .filter(argument -> argument.matches("--(listen-.*-urls|secure-port)=.*"))
        .map(argument -> Integer.parseInt(argument.replaceAll(".*[:=]", "")))
        .collect(Collectors.toSet());
  }

  /**
   * The local addresses of the listening TCP sockets on {@code ports}, from the kernel's socket
   * tables (IPv4 and IPv6).
   */
  private static Set<String> listeningAddresses(Set<Integer> ports) throws IOException {
    Set<String> addresses = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII)) {
        String[] fields = line.strip().split("\\s+");
        // fields[1] is the local address as hex "address:port", fields[3] the state, 0A = LISTEN.
        if (fields.length > 3 && "0A".equals(fields[3])) {
          String[] local = fields[1].split(":");
          if (ports.contains(Integer.parseInt(local[1], 16))) {
            addresses.add(address(local[0]));
          }
        }
      }
    }
    assertThat(addresses).as("listening sockets on %s", ports).isNotEmpty();
    return addresses;
  }

  /** Hex IPv4 in host byte order (little-endian here), or any IPv6 written as is. */
  private static String address(String hex) {
    if (hex.length() != 8) {
      return hex;
    }
    long value = Long.parseLong(hex, 16);
    return (value & 0xff)
        + "."
        + (value >> 8 & 0xff)
        + "."
        + (value >> 16 & 0xff)
        + "."
        + (value >> 24 & 0xff);
  }

  /**
   * The real kubectl with the kubeconfig as written, its discovery cache kept in the test's data.
   */
  private String kubectl(LocalControlPlane controlPlane, String... arguments) throws Exception {
    List<String> command =
        Stream.concat(
                Stream.of(
                    "kubectl",
                    "--kubeconfig=" + controlPlane.kubeconfig(),
                    "--cache-dir=" + dataDir.resolve("kubectl-cache")),
                Stream.of(arguments))
            .toList();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output.strip();
  }
}
