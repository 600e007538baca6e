package io.gadgetflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A directory for node agents' status keys that a test's controller trusts, as {@code gadgetflow
 * up} has one in its data directory (docs/security.md).
 */
public final class NodeKeyDirectory {
  private NodeKeyDirectory() {}

  /** A new, empty, owner-only directory under the system's temporary one. */
  public static Path temporary() {
    try {
      return Files.createTempDirectory("gadgetflow-node-keys");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
