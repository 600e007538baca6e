package io.gadgetflow.node.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.RingShares;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.trace.open.OpenGadget;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two containers' mount namespaces on one opensnoop gadget, each selected as by its own trace: one
 * floods the shared ring while nothing reads it (a reader that cannot keep up), the other opens a
 * few files meanwhile. Inspektor Gadget's CVE-2026-31890 was the quiet one's events silently lost.
 */
class FloodIsolationIT {
  private static final int RING_BYTES = 64 * 1024;
  private static final int FLOOD_OPENS = 100_000;
  private static final int QUIET_OPENS = 100;

  @Test
  void aFloodingNamespaceLosesOnlyItsOwnEventsAndTheyCountForItsTraceAlone() throws Exception {
    String marker = "gadgetflow-quiet-" + UUID.randomUUID();
    try (RunningGadget gadget =
        RunningGadget.start(
            OpenGadget.PROGRAM, GadgetOptions.filtered(Set.of()).withRingBufferBytes(RING_BYTES))) {
      RingShares shares = gadget.ringShares().orElseThrow();
      SelectedNamespaceLosses flooderTrace = new SelectedNamespaceLosses(shares);
      SelectedNamespaceLosses quietTrace = new SelectedNamespaceLosses(shares);
      try (Script flooder =
              Script.start(
                  "perl -e 'for (1.." + FLOOD_OPENS + ") { open(my $f, \"<\", \"/dev/null\") }'");
          Script quiet =
              Script.start(
                  "perl -e 'for (1.."
                      + QUIET_OPENS
                      + ") { open(my $f, \"<\", \"/tmp/"
                      + marker
                      + "-$_\"); select(undef, undef, undef, 0.002) }'")) {
        for (Script script : new Script[] {flooder, quiet}) {
          gadget.mountNamespaceFilter().select(script.mountNamespace);
        }
        flooderTrace.selected(flooder.mountNamespace);
        quietTrace.selected(quiet.mountNamespace);
        flooder.go();
        quiet.go();
        flooder.awaitEnd();
        quiet.awaitEnd();

        EventCollector collector = EventCollector.start(gadget, "flood-isolation-reader");
        assertThat(collector.await(event -> path(event).contains(marker), QUIET_OPENS))
            .allSatisfy(
                event ->
                    assertThat(event.get("mountnsid").asLong()).isEqualTo(quiet.mountNamespace));
        long flooderDelivered = collector.matching(event -> path(event).equals("/dev/null")).size();

        assertThat(quietTrace.total()).isEqualTo(KernelLosses.NONE);
        assertThat(shares.lostEvents(quiet.mountNamespace)).isZero();
        long flooderLost = flooderTrace.total().total();
        assertThat(flooderLost)
            .isPositive()
            .isEqualTo(shares.lostEvents(flooder.mountNamespace))
            .isEqualTo(gadget.lostEvents());
        // The half kept free was never used up: every loss was the flooder's share running out,
        // and says so, in its trace's count and the gadget's.
        assertThat(flooderTrace.total()).isEqualTo(new KernelLosses(0, flooderLost));
        assertThat(gadget.lostOverShare()).isEqualTo(flooderLost);
        assertThat(gadget.lostWithoutRoom()).isZero();
        assertThat(flooderDelivered + flooderLost).isGreaterThanOrEqualTo(FLOOD_OPENS);
        // The flooder kept to its half: what it holds never pushed the quiet one out.
        assertThat(flooderDelivered * 64).isLessThanOrEqualTo(RING_BYTES);
      }
    }
  }

  private static String path(JsonNode event) {
    JsonNode path = event.get("path");
    return path == null ? "" : path.asText();
  }

  /** {@code sh -c script} in a new mount namespace, held until {@link #go()}. */
  private static final class Script implements AutoCloseable {
    private final Process shell;
    private final Writer in;
    private final long mountNamespace;

    private Script(Process shell) throws Exception {
      this.shell = shell;
      this.in = shell.outputWriter(StandardCharsets.UTF_8);
      String link =
          new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      this.mountNamespace =
          Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
    }

    static Script start(String script) throws Exception {
      return new Script(
          new ProcessBuilder(
                  "unshare",
                  "--mount",
                  "sh",
                  "-c",
                  "readlink /proc/self/ns/mnt; read go; " + script)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start());
    }

    void go() throws Exception {
      in.write("go\n");
      in.flush();
    }

    void awaitEnd() throws Exception {
      assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(shell.exitValue()).isZero();
    }

    @Override
    public void close() throws Exception {
      in.close();
      shell.destroyForcibly();
    }
  }
}
