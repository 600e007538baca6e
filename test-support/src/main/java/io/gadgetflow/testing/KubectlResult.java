package io.gadgetflow.testing;

import java.util.List;

/**
 * What one kubectl run did.
 *
 * @param command the command line, {@code --kubeconfig} included
 * @param exitCode kubectl's exit code, 0 on success
 * @param stdout what kubectl printed on standard output
 * @param stderr what kubectl printed on standard error, where the API server's refusals appear
 */
public record KubectlResult(List<String> command, int exitCode, String stdout, String stderr) {
  public KubectlResult {
    command = List.copyOf(command);
  }

  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * Returns this result when kubectl succeeded.
   *
   * @throws AssertionError naming the command, exit code and output when it did not
   */
  public KubectlResult requireSuccess() {
    if (!succeeded()) {
      throw new AssertionError(
          String.join(" ", command)
              + " exited with "
              + exitCode
              + "\nstdout: "
              + stdout
              + "\nstderr: "
              + stderr);
    }
    return this;
  }
}
