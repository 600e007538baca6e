package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetCategory;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code kubectl gadget}, the kubectl plugin: runs gadgets through Trace resources and prints what
 * they see. The gadget commands are made from the gadget catalogue, one group per category, so a
 * new gadget is a new command without a change here. Every error is one line on stderr: 2 for a
 * wrong command line, 1 when the work failed.
 */
@Command(
    name = "kubectl gadget",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.class,
    description = "Run GadgetFlow's eBPF gadgets on the cluster's nodes and print what they see.")
public final class KubectlGadgetCommand implements Runnable {
  /** SLF4J's provider that drops everything: libraries stay quiet unless --verbose is given. */
  private static final String SILENT_LOGGING = "org.slf4j.helpers.NOP_FallbackServiceProvider";

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--verbose")) {
      // The command ends the JVM itself; Log4j's own hook would only warn that it came too late.
      System.setProperty("log4j.shutdownHookEnabled", "false");
      // Set up now, before Kafka and the Kubernetes client log from two threads at once, which
      // SLF4J answers with a page of warnings about loggers it substituted meanwhile.
      LoggerFactory.getILoggerFactory();
    } else {
      System.setProperty("slf4j.provider", SILENT_LOGGING);
      // SLF4J would otherwise say on stderr which provider it loads.
      System.setProperty("slf4j.internal.verbosity", "WARN");
    }
    // Events are UTF-8 JSON; the platform encoding of a pipe may be ASCII.
    PrintWriter out =
        new PrintWriter(
            new BufferedWriter(
                new OutputStreamWriter(
                    new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8)));
    PrintWriter err =
        new PrintWriter(
            new OutputStreamWriter(
                new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8),
            true);
    int status = execute(GadgetCatalog.all(), System.getenv(), args, out, err);
    out.flush();
    err.flush();
    System.exit(status);
  }

  /** Runs one command line against {@code catalogue}; returns the exit status. */
  static int execute(
      List<GadgetDescriptor> catalogue,
      Map<String, String> env,
      String[] args,
      PrintWriter out,
      PrintWriter err) {
    CommandLine commandLine =
        commandLine(catalogue, env)
            .setOut(out)
            .setErr(err)
            .setParameterExceptionHandler(KubectlGadgetCommand::usageError)
            .setExecutionExceptionHandler(KubectlGadgetCommand::failure);
    int status = commandLine.execute(args);
    out.flush();
    err.flush();
    return status;
  }

  static CommandLine commandLine(List<GadgetDescriptor> catalogue, Map<String, String> env) {
    CommandLine commandLine = new CommandLine(new KubectlGadgetCommand());
    for (GadgetCategory category : GadgetCategory.values()) {
      commandLine.addSubcommand(
          category.folderName(), CategoryCommand.commandLine(category, catalogue, env));
    }
    commandLine.addSubcommand(new ListGadgetsCommand(catalogue));
    commandLine.addSubcommand(new DeployCommand());
    commandLine.addSubcommand(new UndeployCommand());
    commandLine.addSubcommand(new VersionCommand());
    giveVersionToAll(commandLine);
    return commandLine;
  }

  /** Every command has -V; without this, the commands below the top one would print nothing. */
  private static void giveVersionToAll(CommandLine commandLine) {
    commandLine.getCommandSpec().versionProvider(new VersionCommand());
    commandLine.getSubcommands().values().forEach(KubectlGadgetCommand::giveVersionToAll);
  }

  /** Without a command there is nothing to do but say which there are. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    String message = e.getMessage();
    if (e instanceof UnmatchedArgumentException unmatched) {
      String first =
          unmatched.getUnmatched().stream()
              .filter(a -> !a.startsWith("-"))
              .findFirst()
              .orElse(null);
      if (first != null && commandLine.getCommand() instanceof CategoryCommand category) {
        message = category.noSuchGadget(first);
      } else if (first != null && !commandLine.getSubcommands().isEmpty()) {
        message =
            "unknown command \"%s\"; the commands are %s"
                .formatted(first, String.join(", ", commandLine.getSubcommands().keySet()));
      }
    }
    commandLine.getErr().println("kubectl-gadget: " + oneLine(message));
    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static int failure(Exception e, CommandLine commandLine, ParseResult parsed) {
    String message =
        switch (e) {
          case CommandFailure failure -> failure.getMessage();
          case KubernetesClientException api -> "Kubernetes API: " + KubernetesErrors.reason(api);
          default -> rootCause(e);
        };
    PrintWriter err = commandLine.getErr();
    err.println("kubectl-gadget: " + oneLine(message));
    if (parsed.hasMatchedOption("--verbose")) {
      e.printStackTrace(err);
    }
    return 1;
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  private static String oneLine(String message) {
    return message == null ? "failed" : message.replaceAll("\\s*\\R\\s*", "; ");
  }
}
