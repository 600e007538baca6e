package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command tree made from a catalogue, and what the plugin says about wrong command lines. */
class KubectlGadgetCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(List<GadgetDescriptor> catalogue, String... args) {
    return KubectlGadgetCommand.execute(
        catalogue, Map.of(), args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  /** Fixed, so these tests stay true while the real catalogue grows. */
  static final List<GadgetDescriptor> TRACE_ONLY =
      List.of(GadgetCatalog.EXECSNOOP, GadgetCatalog.OPENSNOOP);

  @Test
  void everyCategoryIsACommandAndEveryGadgetOneBelowIt() {
    CommandLine tree = KubectlGadgetCommand.commandLine(TRACE_ONLY, Map.of());

    assertThat(tree.getSubcommands().keySet())
        .containsExactly(
            "trace",
            "profile",
            "snapshot",
            "top",
            "advise",
            "list-gadgets",
            "deploy",
            "undeploy",
            "version");
    assertThat(tree.getSubcommands().get("trace").getSubcommands().keySet())
        .containsExactly("exec", "open");
    assertThat(tree.getSubcommands().get("profile").getSubcommands()).isEmpty();
  }

  @Test
  void everyGadgetOfTheRealCatalogueIsACommand() {
    // Fails, for instance, when a gadget parameter is named like one of the plugin's own flags.
    CommandLine tree = KubectlGadgetCommand.commandLine(GadgetCatalog.all(), Map.of());

    for (GadgetDescriptor gadget : GadgetCatalog.all()) {
      assertThat(tree.getSubcommands().get(gadget.category().folderName()).getSubcommands())
          .containsKey(gadget.command());
    }
  }

  @Test
  void aNewGadgetIsANewCommandWithItsParametersAsOptions() {
    List<GadgetDescriptor> catalogue =
        List.of(GadgetCatalog.EXECSNOOP, TestGadgets.BIOLATENCY, TestGadgets.PROCESS_COLLECTOR);

    assertThat(run(catalogue, "snapshot", "process", "--help")).isZero();

    assertThat(out.toString())
        .contains("Snapshot the processes (gadget process-collector).")
        .contains("--show-threads[=BOOL]")
        .contains("--podname");
  }

  @Test
  void aGadgetThatRejectsFiltersHasNoFilterFlags() {
    assertThat(run(List.of(TestGadgets.BIOLATENCY), "profile", "block-io", "--help")).isZero();

    assertThat(out.toString()).doesNotContain("--namespace").contains("--node");
  }

  @Test
  void anUnknownGadgetNamesTheGadgetsOfItsCategory() {
    assertThat(run(TRACE_ONLY, "trace", "nosuch")).isEqualTo(2);

    assertThat(err.toString())
        .isEqualTo(
            "kubectl-gadget: no gadget \"trace nosuch\" is in the catalogue: its trace gadgets are"
                + " exec, open (kubectl gadget list-gadgets shows them all)\n");
  }

  @Test
  void aCategoryWithoutGadgetsSaysSoForAnyCommandBelowIt() {
    assertThat(run(TRACE_ONLY, "advise", "seccomp-profile", "start")).isEqualTo(2);

    assertThat(err.toString())
        .isEqualTo(
            "kubectl-gadget: no gadget \"advise seccomp-profile\" is in the catalogue: it has no"
                + " advise gadget yet (kubectl gadget list-gadgets shows them all)\n");
  }

  @Test
  void badFlagValuesAreOneLineAndExitWith2BeforeAnyConnection() {
    List<String[]> mistakes =
        List.of(
            new String[] {"trace", "exec", "-o", "yaml"},
            new String[] {"trace", "exec", "--timeout", "-3"},
            new String[] {"trace", "exec", "-l", "app"},
            new String[] {"trace", "exec", "--bogus"},
            new String[] {"bogus"});
    for (String[] mistake : mistakes) {
      err.getBuffer().setLength(0);

      assertThat(run(GadgetCatalog.all(), mistake)).as(String.join(" ", mistake)).isEqualTo(2);
      assertThat(err.toString().lines()).as(String.join(" ", mistake)).hasSize(1);
    }
  }

  @Test
  void aParameterValueIsCheckedAgainstItsDescriptor() {
    int status =
        run(List.of(TestGadgets.PROCESS_COLLECTOR), "snapshot", "process", "--show-threads=maybe");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "kubectl-gadget: Invalid value for option '--show-threads': expected true or false\n");
  }

  @Test
  void aBoolParameterIsAFlagThatMayTakeAValue() {
    CommandLine snapshot = GadgetCommand.commandLine(TestGadgets.PROCESS_COLLECTOR, Map.of());

    snapshot.parseArgs("--show-threads");
    assertThat(GadgetParameters.given(snapshot.getCommandSpec(), TestGadgets.PROCESS_COLLECTOR))
        .containsExactly(Map.entry("show-threads", "true"));
    snapshot.parseArgs("--show-threads=false");
    assertThat(GadgetParameters.given(snapshot.getCommandSpec(), TestGadgets.PROCESS_COLLECTOR))
        .containsExactly(Map.entry("show-threads", "false"));
    snapshot.parseArgs();
    assertThat(GadgetParameters.given(snapshot.getCommandSpec(), TestGadgets.PROCESS_COLLECTOR))
        .isEmpty();
  }

  @Test
  void aTopGadgetTakesItsIntervalAsAnArgumentAndInspektorGadgetsFlags() {
    CommandLine top = GadgetCommand.commandLine(GadgetCatalog.FILETOP, Map.of());

    top.parseArgs("5", "--sort", "-wbytes,filename", "-r", "3", "-a");
    assertThat(GadgetParameters.given(top.getCommandSpec(), GadgetCatalog.FILETOP))
        .containsExactly(
            Map.entry("interval", "5"),
            Map.entry("max_rows", "3"),
            Map.entry("sort_by", "-wbytes,filename"),
            Map.entry("all_files", "true"));
    top.parseArgs("--interval", "2", "--max-rows", "7", "--sort_by", "comm");
    assertThat(GadgetParameters.given(top.getCommandSpec(), GadgetCatalog.FILETOP))
        .containsExactly(
            Map.entry("interval", "2"), Map.entry("max_rows", "7"), Map.entry("sort_by", "comm"));
  }

  @Test
  void profileCpuTakesInspektorGadgetsAndLibbpfToolsFlags() {
    CommandLine cpu = GadgetCommand.commandLine(GadgetCatalog.PROFILE, Map.of());

    cpu.parseArgs("-U", "-F", "99");
    assertThat(GadgetParameters.given(cpu.getCommandSpec(), GadgetCatalog.PROFILE))
        .containsExactly(Map.entry("user", "true"), Map.entry("frequency", "99"));
    cpu.parseArgs("-K");
    assertThat(GadgetParameters.given(cpu.getCommandSpec(), GadgetCatalog.PROFILE))
        .containsExactly(Map.entry("kernel", "true"));
  }

  @Test
  void aTopGadgetsBadSortOrIntervalIsOneLine() {
    assertThat(run(GadgetCatalog.all(), "top", "tcp", "--sort", "-size")).isEqualTo(2);
    assertThat(run(GadgetCatalog.all(), "top", "file", "0")).isEqualTo(2);
    assertThat(run(GadgetCatalog.all(), "top", "file", "2", "--interval", "3")).isEqualTo(2);

    assertThat(err.toString().lines())
        .containsExactly(
            "kubectl-gadget: Invalid value for option '--sort_by': no column \"size\" to sort by:"
                + " expected some of pid, comm, ipversion, saddr, sport, daddr, dport, sent,"
                + " received",
            "kubectl-gadget: Invalid value for option '--interval': 0 is out of range [1, 3600]",
            "kubectl-gadget: give the interval once: as an argument or as --interval");
  }

  @Test
  void everyCommandTellsTheVersion() {
    assertThat(run(TRACE_ONLY, "trace", "exec", "-V")).isZero();
    assertThat(run(TRACE_ONLY, "--version")).isZero();

    assertThat(out.toString().lines())
        .containsExactly(VersionCommand.current(), VersionCommand.current());
  }

  @Test
  void listGadgetsPrintsTheCatalogue() {
    assertThat(run(List.of(TestGadgets.BIOLATENCY, TestGadgets.PROCESS_COLLECTOR), "list-gadgets"))
        .isZero();

    assertThat(out.toString().lines())
        .containsExactly(
            "COMMAND          GADGET             OUTPUT            DESCRIPTION",
            "profile block-io biolatency         Status            Profile block I/O latency",
            "snapshot process process-collector  Status            Snapshot the processes");
  }

  @Test
  void listGadgetsWidensAColumnForALongValue() {
    assertThat(run(List.of(TestGadgets.SECCOMP, TestGadgets.BIOLATENCY), "list-gadgets")).isZero();

    assertThat(out.toString().lines())
        .containsExactly(
            "COMMAND                GADGET             OUTPUT                  DESCRIPTION",
            "advise seccomp-profile seccomp            ExternalResource,Status Advise a seccomp profile",
            "profile block-io       biolatency         Status                  Profile block I/O latency");
  }

  @Test
  void anAdvisorIsStartedStoppedAndListedAsInInspektorGadget() {
    List<GadgetDescriptor> catalogue = List.of(GadgetCatalog.EXECSNOOP, TestGadgets.SECCOMP);

    assertThat(run(catalogue, "advise", "seccomp-profile", "--help")).isZero();
    assertThat(run(catalogue, "advise", "seccomp-profile", "start", "--help")).isZero();

    assertThat(out.toString())
        .contains("start  Start recording")
        .contains("stop   Print the advice")
        .contains("list   List what records")
        .contains("--podname")
        .contains("--node");
  }

  @Test
  void anAdvisorNeedsToBeToldWhatToDoAndStopNeedsATraceId() {
    List<GadgetDescriptor> catalogue = List.of(TestGadgets.SECCOMP);

    assertThat(run(catalogue, "advise", "seccomp-profile")).isEqualTo(2);
    assertThat(run(catalogue, "advise", "seccomp-profile", "stop")).isEqualTo(2);
    assertThat(run(catalogue, "advise", "seccomp-profile", "stop", "some-id", "-o", "yaml"))
        .isEqualTo(2);

    assertThat(err.toString().lines())
        .containsExactly(
            "kubectl-gadget: name what to do: start, stop or list",
            "kubectl-gadget: Missing required parameter: 'TRACE-ID'",
            "kubectl-gadget: -o: \"yaml\" is not an output format here: use columns or json");
  }
}
