package io.gadgetflow.node.gadget.trace.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.ReferenceTool;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sigsnoop against libbpf-tools' sigsnoop (/usr/sbin/sigsnoop: signal_generate, or with -k the kill
 * system calls, as the gadget's kill-only): both see a perl process signal itself, fail to signal a
 * pid that cannot exist and, at its exit, signal its parent; the same signals of that process, with
 * the same comm, signal, target and result.
 */
class SigsnoopComparisonIT {
  /** One line of {@code sigsnoop -n}: TIME PID COMM SIG TPID RESULT. */
  private static final Pattern SIGNAL =
      Pattern.compile(
          "\\S+\\s+(?<pid>\\d+)\\s+(?<comm>\\S+)\\s+(?<signal>\\S+)\\s+(?<tpid>\\d+)\\s+"
              + "(?<ret>-?\\d+)\\s*");

  /** Above any pid Linux hands out, so a kill to it fails with ESRCH. */
  private static final long NO_SUCH_PID = 4_194_304L;

  static Stream<Arguments> modes() {
    return Stream.of(
        // signal_generate: the signal to itself and SIGCHLD to its parent; the failed kill is no
        // signal generated.
        Arguments.of(Map.of(), List.of(), 2),
        // The kill system calls: the signal to itself and the failed one.
        Arguments.of(Map.of("kill-only", "true"), List.of("-k"), 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void seesTheSameSignalsAsLibbpfToolsSigsnoop(
      Map<String, String> parameters, List<String> options, int expected) throws Exception {
    String[] arguments = Stream.concat(Stream.of("-n"), options.stream()).toArray(String[]::new);
    try (RunningGadget gadget =
            RunningGadget.start(
                SignalGadget.PROGRAM,
                GadgetOptions.unfiltered(),
                new GadgetParameters(GadgetCatalog.SIGSNOOP, parameters));
        ReferenceTool reference =
            ReferenceTool.start("sigsnoop", line -> line.contains("TPID"), arguments)) {
      EventCollector collector = EventCollector.start(gadget, "signal-comparison-reader");
      long perl =
          TestProcesses.run(
              "perl",
              "-e",
              "$SIG{USR1} = sub {}; kill('USR1', $$) or die; kill('USR2', " + NO_SUCH_PID + ")");

      List<JsonNode> events = collector.await(event -> event.get("pid").asLong() == perl, expected);
      List<Matcher> lines =
          reference.await(line -> line.matches("\\S+\\s+" + perl + "\\s.*"), expected).stream()
              .map(SIGNAL::matcher)
              .toList();

      assertThat(events).hasSize(expected);
      assertThat(lines).hasSize(expected);
      for (int i = 0; i < expected; i++) {
        Matcher line = lines.get(i);
        JsonNode event = events.get(i);
        assertThat(line.matches()).as(line.toString()).isTrue();
        assertThat(line.group("comm")).isEqualTo(event.get("comm").asText());
        assertThat(line.group("signal")).isEqualTo(event.get("signal").asText());
        assertThat(Long.parseLong(line.group("tpid"))).isEqualTo(event.get("tpid").asLong());
        assertThat(Integer.parseInt(line.group("ret"))).isEqualTo(event.get("ret").asInt());
      }
      assertThat(events.getFirst().get("signal").asText()).isEqualTo("SIGUSR1");
      assertThat(events.getFirst().get("tpid").asLong()).isEqualTo(perl);
    }
  }
}
