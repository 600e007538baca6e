package io.gadgetflow.cli;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code gadgetflow} launcher: runs the platform, or one of its roles. */
@Command(
    name = "gadgetflow",
    mixinStandardHelpOptions = true,
    versionProvider = GadgetflowCommand.Version.class,
    description = "Live eBPF tracing of Kubernetes nodes through Kafka.",
    subcommands = {GadgetflowCommand.Up.class})
public final class GadgetflowCommand {

  public static void main(String[] args) {
    System.exit(new CommandLine(new GadgetflowCommand()).execute(args));
  }

  /** Starts the whole platform on this machine. */
  @Command(name = "up", description = "Run the whole platform on this machine.")
  static final class Up implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.println("GadgetFlow " + Version.current() + " has these gadgets:");
      for (GadgetDescriptor gadget : GadgetCatalog.all()) {
        out.printf(
            "  %-18s %s %s: %s%n",
            gadget.name(), gadget.category().folderName(), gadget.command(), gadget.description());
      }
      out.println("The local platform (Kafka, API server, controller, node agent, web UI) is not");
      out.println("assembled yet; see docs/architecture.md for the parts.");
      return 0;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    static String current() {
      String version = GadgetflowCommand.class.getPackage().getImplementationVersion();
      return version == null ? "development" : version;
    }

    @Override
    public String[] getVersion() {
      return new String[] {"gadgetflow " + current()};
    }
  }
}
