package io.gadgetflow.cli.monitoring;

import io.gadgetflow.api.health.Supervision;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process does when a part of a role it runs dies (see {@link Supervision}): {@code /health}
 * turns DOWN with the reason, the user is told, and the process exits non-zero, so that whatever
 * runs it (the DaemonSet, the Deployment, a user's shell) starts it again with every part alive.
 */
public final class RoleSupervision {
  private static final Logger LOG = LoggerFactory.getLogger(RoleSupervision.class);

  /** The exit code of a process one of whose roles lost a part (EX_SOFTWARE). */
  public static final int EXIT_PART_DIED = 70;

  private RoleSupervision() {}

  /**
   * Watches {@code verticle}'s parts, if it reports their deaths.
   *
   * @param tell where the user is told, e.g. the command's stderr
   * @param exit ends the process with the code it is given, e.g. {@link #exitSoon}
   */
  public static void watch(
      String role, Object verticle, RoleHealth health, Consumer<String> tell, IntConsumer exit) {
    if (!(verticle instanceof Supervision.Supervised supervised)) {
      return;
    }
    supervised
        .supervision()
        .onFailure(
            failure -> {
              health.failed(role, failure.reason());
              LOG.error("Role {} failed, the process exits: {}", role, failure.reason());
              tell.accept(
                  "gadgetflow: %s failed, exiting with %d: %s"
                      .formatted(role, EXIT_PART_DIED, failure.reason()));
              exit.accept(EXIT_PART_DIED);
            });
  }

  /**
   * Exits from a thread of its own: the dying part's thread may be one that stopping the role waits
   * for, and {@link System#exit} waits for the shutdown hooks that stop it.
   */
  public static void exitSoon(int code) {
    Thread.ofPlatform().name("gadgetflow-exit").start(() -> System.exit(code));
  }
}
