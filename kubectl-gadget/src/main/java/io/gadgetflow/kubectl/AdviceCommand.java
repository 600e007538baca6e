package io.gadgetflow.kubectl;

import io.gadgetflow.api.gadget.GadgetDescriptor;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * An advisor gadget as a command group, e.g. {@code kubectl gadget advise seccomp-profile}: as in
 * Inspektor Gadget, {@code start} leaves the gadget recording and prints the trace id, {@code stop
 * <trace-id>} prints the advice and removes the Traces, {@code list} shows what records.
 */
@Command(mixinStandardHelpOptions = true)
final class AdviceCommand implements Runnable {
  @Spec CommandSpec spec;

  private AdviceCommand() {}

  static CommandLine commandLine(GadgetDescriptor gadget, Map<String, String> env) {
    CommandLine commandLine = new CommandLine(new AdviceCommand());
    commandLine
        .getCommandSpec()
        .usageMessage()
        .description(
            gadget.description()
                + " (gadget "
                + gadget.name()
                + "): start recording, stop to print the advice, list what records.");
    commandLine.addSubcommand("start", AdviceStartCommand.commandLine(gadget, env));
    commandLine.addSubcommand("stop", AdviceStopCommand.commandLine(gadget));
    commandLine.addSubcommand("list", new AdviceListCommand(gadget));
    return commandLine;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name what to do: start, stop or list");
  }
}
