package io.gadgetflow.cli;

import io.gadgetflow.cli.platform.PlatformException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gadgetflow} launcher: runs the whole platform, or one of its roles. */
@Command(
    name = "gadgetflow",
    mixinStandardHelpOptions = true,
    versionProvider = GadgetflowCommand.Version.class,
    description = "Live eBPF tracing of Kubernetes nodes through Kafka.",
    subcommands = {
      UpCommand.class,
      ClusterCommand.class,
      ControllerCommand.class,
      NodeCommand.class,
      WebCommand.class
    })
public final class GadgetflowCommand {

  public static void main(String[] args) {
    CommandLine commandLine =
        new CommandLine(new GadgetflowCommand())
            .setExecutionExceptionHandler(
                (e, line, parsed) -> {
                  line.getErr().println("gadgetflow: " + oneLine(e));
                  return 1;
                });
    System.exit(commandLine.execute(args));
  }

  /** What the user needs to read: the platform's own message, else the root cause. */
  private static String oneLine(Exception e) {
    if (e instanceof PlatformException) {
      return e.getMessage();
    }
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
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
