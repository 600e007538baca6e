package io.gadgetflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory for node agents' status keys that a test's controller trusts, as {@code gadgetflow
 * up} has one in its data directory (docs/security.md).
 */
public final class NodeKeyDirectory {
  private NodeKeyDirectory() {}

  /**
   * A new, empty, owner-only directory under the system's temporary one, deleted with the keys the
   * agents wrote into it when the JVM exits (the tests' platforms outlive any one test).
   */
  public static Path temporary() {
    try {
      Path directory = Files.createTempDirectory("gadgetflow-node-keys");
      Runtime.getRuntime()
          .addShutdownHook(Thread.ofPlatform().unstarted(() -> deleteQuietly(directory)));
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // A key an agent is still writing as the JVM exits stays behind, like any temporary file.
    }
  }
}
