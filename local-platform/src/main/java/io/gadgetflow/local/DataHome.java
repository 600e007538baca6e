package io.gadgetflow.local;

import java.nio.file.Path;
import java.util.Map;

/** Where the local platform keeps its data between runs: one folder per part below it. */
public final class DataHome {
  private DataHome() {}

  /** {@link #of} for this process's environment and user. */
  public static Path current() {
    return of(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * {@code $XDG_DATA_HOME/gadgetflow}, or {@code ~/.local/share/gadgetflow} when that variable is
   * unset, blank or, which the XDG specification says to ignore, relative.
   */
  public static Path of(Map<String, String> environment, Path userHome) {
    String xdgDataHome = environment.get("XDG_DATA_HOME");
    Path dataHome =
        xdgDataHome != null && !xdgDataHome.isBlank() && Path.of(xdgDataHome).isAbsolute()
            ? Path.of(xdgDataHome)
            : userHome.resolve(".local/share");
    return dataHome.resolve("gadgetflow");
  }
}
