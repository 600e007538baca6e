package io.gadgetflow.kubectl;

import io.gadgetflow.api.gadget.GadgetCategory;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A gadget category as a command group, e.g. {@code kubectl gadget trace}. Its commands are the
 * catalogue's gadgets of that category; a category the catalogue has no gadget of yet is still a
 * command, which says so.
 */
@Command(mixinStandardHelpOptions = true)
final class CategoryCommand implements Runnable {
  private final GadgetCategory category;
  private final List<GadgetDescriptor> gadgets;

  @Spec CommandSpec spec;

  private CategoryCommand(GadgetCategory category, List<GadgetDescriptor> gadgets) {
    this.category = category;
    this.gadgets = gadgets;
  }

  static CommandLine commandLine(
      GadgetCategory category, List<GadgetDescriptor> catalogue, Map<String, String> env) {
    List<GadgetDescriptor> gadgets =
        catalogue.stream().filter(gadget -> gadget.category() == category).toList();
    CommandLine commandLine = new CommandLine(new CategoryCommand(category, gadgets));
    commandLine
        .getCommandSpec()
        .usageMessage()
        .description(
            gadgets.isEmpty()
                ? "No %s gadget is in the catalogue yet.".formatted(category.folderName())
                : "Run a %s gadget.".formatted(category.folderName()));
    for (GadgetDescriptor gadget : gadgets) {
      commandLine.addSubcommand(
          gadget.command(),
          GadgetPlan.isAdvisor(gadget)
              ? AdviceCommand.commandLine(gadget, env)
              : GadgetCommand.commandLine(gadget, env));
    }
    return commandLine;
  }

  /** Without a gadget named there is nothing to run. */
  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        gadgets.isEmpty()
            ? "no %s gadget is in the catalogue yet (kubectl gadget list-gadgets shows what is)"
                .formatted(category.folderName())
            : "name a %s gadget: %s".formatted(category.folderName(), commands()));
  }

  /** The message for {@code kubectl gadget <category> <command>} when there is no such gadget. */
  String noSuchGadget(String command) {
    String has =
        gadgets.isEmpty()
            ? "it has no %s gadget yet".formatted(category.folderName())
            : "its %s gadgets are %s".formatted(category.folderName(), commands());
    return "no gadget \"%s %s\" is in the catalogue: %s (kubectl gadget list-gadgets shows them all)"
        .formatted(category.folderName(), command, has);
  }

  private String commands() {
    return String.join(", ", gadgets.stream().map(GadgetDescriptor::command).toList());
  }
}
