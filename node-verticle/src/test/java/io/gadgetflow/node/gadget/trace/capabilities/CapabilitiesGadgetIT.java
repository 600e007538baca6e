package io.gadgetflow.node.gadget.trace.capabilities;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.Perl;
import io.gadgetflow.node.gadget.RunningGadget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * A Perl child, started as root, makes checks whose verdicts are known: lowering its nice value
 * needs CAP_SYS_NICE (allowed), then, as uid 65534 with no capability left, signalling pid 1 needs
 * CAP_KILL (denied).
 */
class CapabilitiesGadgetIT {
  private static final int CAP_KILL = 5;
  private static final int CAP_SYS_NICE = 23;
  private static final int NOBODY = 65534;

  /**
   * Lowers its nice value {@code ARGV[0]} times (each time lower: a check each), becomes nobody,
   * signals init.
   */
  private static final String CHECKS =
      """
      setpriority(0, 0, -$_) or die "setpriority: $!" for 1 .. $ARGV[0];
      ($<, $>) = (65534, 65534);
      $< == 65534 or die "setreuid: $!";
      kill(0, 1) and die 'nobody signalled init';
      exit 0;
      """;

  @Test
  void reportsEachCheckWithItsVerdictSystemCallAndCredentials() throws Exception {
    long userNamespace = namespace("user");
    try (RunningGadget gadget = start(Map.of())) {
      EventCollector collector = EventCollector.start(gadget, "capabilities-it-reader");
      Perl.Run perl = Perl.run(CHECKS, 1);
      assertThat(perl.exitStatus()).isZero();

      JsonNode kill = collector.await(by(perl).and(checking(CAP_KILL)), 1).getFirst();
      JsonNode nice = collector.await(by(perl).and(checking(CAP_SYS_NICE)), 1).getFirst();
      assertThat(nice.get("comm").asText()).isEqualTo("perl");
      assertThat(nice.get("capName").asText()).isEqualTo("SYS_NICE");
      assertThat(nice.get("verdict").asText()).isEqualTo("Allow");
      assertThat(nice.get("syscall").asText()).isEqualTo("setpriority");
      assertThat(nice.get("uid").asLong()).isZero();
      assertThat(nice.get("gid").asLong()).isZero();
      assertThat(nice.get("currentuserns").asLong()).isEqualTo(userNamespace);
      assertThat(nice.get("targetuserns").asLong()).isEqualTo(userNamespace);
      assertThat(nice.get("caps").asLong() & (1L << CAP_SYS_NICE)).isNotZero();
      assertThat(names(nice.get("capsNames"))).contains("sys_nice", "kill", "sys_admin");

      assertThat(kill.get("capName").asText()).isEqualTo("KILL");
      assertThat(kill.get("verdict").asText()).isEqualTo("Deny");
      assertThat(kill.get("syscall").asText()).isEqualTo("kill");
      assertThat(kill.get("uid").asLong()).isEqualTo(NOBODY);
      assertThat(kill.get("caps").asLong()).isZero();
      assertThat(names(kill.get("capsNames"))).isEmpty();
      assertThat(kill.get("timestamp").asLong()).isGreaterThan(nice.get("timestamp").asLong());
    }
  }

  /** In a mount namespace of its own, as a container: its first check of each capability only. */
  @Test
  void uniqueReportsACapabilityOncePerContainer() throws Exception {
    try (RunningGadget gadget = start(Map.of("unique", "true"))) {
      EventCollector collector = EventCollector.start(gadget, "capabilities-it-reader");
      Process unshared =
          new ProcessBuilder("unshare", "--mount", "perl", "-e", CHECKS, "3").inheritIO().start();
      assertThat(unshared.waitFor()).isZero();
      Predicate<JsonNode> byPerl = event -> event.get("pid").asLong() == unshared.pid();

      // The denied kill comes after the three checks of CAP_SYS_NICE.
      collector.await(byPerl.and(checking(CAP_KILL)), 1);
      assertThat(collector.matching(byPerl.and(checking(CAP_SYS_NICE)))).hasSize(1);
    }
  }

  private static RunningGadget start(Map<String, String> parameters) {
    return RunningGadget.start(
        CapabilitiesGadget.PROGRAM,
        GadgetOptions.unfiltered(),
        new GadgetParameters(GadgetCatalog.CAPABILITIES, parameters));
  }

  private static Predicate<JsonNode> by(Perl.Run run) {
    return event -> event.get("pid").asLong() == run.pid();
  }

  private static Predicate<JsonNode> checking(int capability) {
    return event -> event.get("cap").asInt() == capability;
  }

  private static List<String> names(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static long namespace(String type) throws Exception {
    String link = Files.readSymbolicLink(Path.of("/proc/self/ns", type)).toString();
    return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
  }
}
