package io.gadgetflow.node.gadget.trace.sni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gadgetflow.node.bpf.NetworkNamespace;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.testing.RecordSchemas;
import io.gadgetflow.testing.TestNetwork;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * trace sni on a known workload: OpenSSL's s_client asks an s_server for a known server name, in a
 * network namespace the test makes, over IPv4 and IPv6.
 */
class SniGadgetIT {
  @TempDir Path directory;

  TestNetwork network;
  RunningGadget gadget;
  EventCollector collector;

  @BeforeEach
  void watchANetwork() {
    network = TestNetwork.create();
    gadget = RunningGadget.start(SniGadget.PROGRAM, GadgetOptions.unfiltered());
    gadget.networkAttachments().select(NetworkNamespace.ofProcess(network.anchorPid()));
    collector = EventCollector.start(gadget, "sni-it-reader");
  }

  @AfterEach
  void stop() {
    gadget.close();
    network.close();
  }

  @Test
  void reportsTheServerNameOfAClientHelloOverIpv4AndIpv6() throws Exception {
    startServer("127.0.0.1:4433");
    startServer("[::1]:4434");

    long ipv4Client = connect("127.0.0.1:4433", "-servername", "four.example.test");
    long ipv6Client = connect("[::1]:4434", "-servername", "six.example.test");

    JsonNode four = one("four.example.test");
    assertThat(four.get("pid").asLong()).isEqualTo(ipv4Client);
    assertThat(four.get("comm").asText()).isEqualTo("openssl");
    assertThat(four.get("netnsid").asLong())
        .isEqualTo(NetworkNamespace.ofProcess(network.anchorPid()).id());
    assertThat(one("six.example.test").get("pid").asLong()).isEqualTo(ipv6Client);
    RecordSchemas.assertValid("event-snisnoop.json", withCommonFields(four));
    // On loopback the hello is seen leaving and arriving: it is reported once.
    assertThat(collector.matching(e -> e.get("name").asText().equals("four.example.test")))
        .hasSize(1);
  }

  @Test
  void reportsNothingForAClientHelloWithoutAServerName() throws Exception {
    startServer("127.0.0.1:4433");

    long anonymous = connect("127.0.0.1:4433", "-noservername");
    connect("127.0.0.1:4433", "-servername", "named.example.test");

    // The named hello, sent after the anonymous one, came: the anonymous one would have too.
    one("named.example.test");
    assertThat(collector.matching(e -> e.get("pid").asLong() == anonymous)).isEmpty();
  }

  private JsonNode one(String serverName) throws InterruptedException {
    return collector.await(e -> e.get("name").asText().equals(serverName), 1).getFirst();
  }

  /** An s_server with a certificate of its own, once it accepts connections. */
  private void startServer(String address) throws Exception {
    Path key = directory.resolve("key.pem");
    Path certificate = directory.resolve("certificate.pem");
    if (!certificate.toFile().exists()) {
      Process request =
          new ProcessBuilder(
                  "openssl",
                  "req",
                  "-x509",
                  "-newkey",
                  "rsa:2048",
                  "-nodes",
                  "-days",
                  "1",
                  "-subj",
                  "/CN=sni.test",
                  "-keyout",
                  key.toString(),
                  "-out",
                  certificate.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      assertThat(request.waitFor(60, TimeUnit.SECONDS) && request.exitValue() == 0).isTrue();
    }
    Process server =
        network.start(
            "openssl",
            "s_server",
            "-accept",
            address,
            "-cert",
            certificate.toString(),
            "-key",
            key.toString());
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = lines.readLine()) != null && !line.startsWith("ACCEPT")) {
      // s_server prints ACCEPT once it listens.
    }
    assertThat(line).as("s_server on " + address + " listens").isNotNull();
    // What it prints about each connection is read too: a closed pipe would end it.
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                lines.transferTo(java.io.Writer.nullWriter());
              } catch (java.io.IOException ended) {
                // The server was stopped.
              }
            });
  }

  /** Runs an s_client handshake to {@code address} and returns its pid. */
  private long connect(String address, String... serverName) throws Exception {
    String[] command = new String[4 + serverName.length];
    command[0] = "openssl";
    command[1] = "s_client";
    command[2] = "-connect";
    command[3] = address;
    System.arraycopy(serverName, 0, command, 4, serverName.length);
    Process client = network.start(command);
    client.getOutputStream().close();
    client.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return client.pid();
  }

  private static String withCommonFields(JsonNode event) {
    return ((ObjectNode) event.deepCopy())
        .put("node", "test-node")
        .put("namespace", "")
        .put("pod", "")
        .put("container", "")
        .toString();
  }
}
