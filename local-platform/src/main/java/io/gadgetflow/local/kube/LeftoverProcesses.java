package io.gadgetflow.local.kube;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Programs that a control plane started and never stopped because its JVM was killed (SIGKILL runs
 * no shutdown hook). They still hold the data directory: a new etcd would wait forever for the lock
 * on its database. Only called while holding the data directory's lock, so whatever still runs on
 * that directory belongs to no live control plane.
 */
final class LeftoverProcesses {
  private LeftoverProcesses() {}

  /**
   * Stops every process that has {@code identifyingArgument} among its arguments.
   *
   * @return the process ids that were stopped
   */
  static List<Long> stop(String identifyingArgument, Duration timeout) {
    List<ProcessHandle> leftovers =
        ProcessHandle.allProcesses()
            .filter(
                process ->
                    process
                        .info()
                        .arguments()
                        .map(arguments -> Arrays.asList(arguments).contains(identifyingArgument))
                        .orElse(false))
            .toList();
    leftovers.forEach(process -> ServerProcess.stop(process, timeout));
    return leftovers.stream().map(ProcessHandle::pid).toList();
  }
}
