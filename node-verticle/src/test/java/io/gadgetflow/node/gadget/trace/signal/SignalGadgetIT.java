package io.gadgetflow.node.gadget.trace.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignalGadgetIT {
  private static final int ESRCH = 3;

  /** Above any pid Linux hands out, so a kill to it fails with ESRCH. */
  private static final long NO_SUCH_PID = 4_194_304L;

  @Test
  void reportsSignalsWithSenderAndTarget() throws Exception {
    try (RunningGadget gadget = start(Map.of())) {
      EventCollector collector = EventCollector.start(gadget, "signal-it-reader");
      Process sleeper = new ProcessBuilder("sleep", "60").start();
      sleeper.destroy();
      sleeper.waitFor();

      JsonNode sent =
          collector
              .await(event -> targets(event, sleeper.pid()) && is(event, "SIGTERM"), 1)
              .getFirst();
      assertThat(sent.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(sent.get("uid").asLong()).isEqualTo(TestProcesses.currentUid());
      assertThat(sent.get("comm").asText()).isNotBlank();
      assertThat(sent.get("ret").asInt()).isZero();
      assertThat(sent.get("mountnsid").asLong()).isEqualTo(TestProcesses.currentMountNamespace());
    }
  }

  @Test
  void reportsOnlyTheSelectedSignal() throws Exception {
    try (RunningGadget gadget = start(Map.of("signal", "kill"))) {
      EventCollector collector = EventCollector.start(gadget, "signal-it-reader");
      Process terminated = new ProcessBuilder("sleep", "60").start();
      Process killed = new ProcessBuilder("sleep", "60").start();
      terminated.destroy();
      terminated.waitFor();
      killed.destroyForcibly();
      killed.waitFor();

      // Sent after the SIGTERM by the same thread, so the SIGTERM would be in the ring before it.
      JsonNode kill = collector.await(event -> targets(event, killed.pid()), 1).getFirst();
      assertThat(kill.get("signal").asText()).isEqualTo("SIGKILL");
      assertThat(collector.matching(event -> targets(event, terminated.pid()))).isEmpty();
    }
  }

  @Test
  void killOnlyReportsFailedKillsWithTheirError() throws Exception {
    try (RunningGadget gadget = start(Map.of("kill-only", "true", "failed", "true"))) {
      EventCollector collector = EventCollector.start(gadget, "signal-it-reader");
      Process sleeper = new ProcessBuilder("sleep", "60").start();
      long shell =
          TestProcesses.run("sh", "-c", "kill -USR1 " + NO_SUCH_PID + " 2>/dev/null; true");
      sleeper.destroy();
      sleeper.waitFor();
      // A failed kill from a shell, then a successful one from here: only the first is reported.
      JsonNode failed = collector.await(event -> targets(event, NO_SUCH_PID), 1).getFirst();
      assertThat(failed.get("pid").asLong()).isEqualTo(shell);
      assertThat(failed.get("signal").asText()).isEqualTo("SIGUSR1");
      assertThat(failed.get("ret").asInt()).isEqualTo(-ESRCH);
      Process marker = new ProcessBuilder("sh", "-c", "kill -USR2 " + NO_SUCH_PID).start();
      marker.waitFor();
      collector.await(event -> targets(event, NO_SUCH_PID) && is(event, "SIGUSR2"), 1);
      assertThat(collector.matching(event -> targets(event, sleeper.pid()))).isEmpty();
    }
  }

  private static RunningGadget start(Map<String, String> parameters) {
    return RunningGadget.start(
        SignalGadget.PROGRAM,
        GadgetOptions.unfiltered(),
        new GadgetParameters(GadgetCatalog.SIGSNOOP, parameters));
  }

  private static boolean targets(JsonNode event, long pid) {
    return event.get("tpid").asLong() == pid;
  }

  private static boolean is(JsonNode event, String signal) {
    return signal.equals(event.get("signal").asText());
  }
}
