package io.gadgetflow.kubectl;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kubectl gadget version}, and the text of {@code --version}. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print the version of kubectl-gadget.")
final class VersionCommand implements Callable<Integer>, CommandLine.IVersionProvider {
  @Spec CommandSpec spec;

  /** The version the jar's manifest states; a build from classes has none. */
  static String current() {
    String version = VersionCommand.class.getPackage().getImplementationVersion();
    return "kubectl-gadget " + (version == null ? "development" : version);
  }

  @Override
  public String[] getVersion() {
    return new String[] {current()};
  }

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(current());
    return 0;
  }
}
