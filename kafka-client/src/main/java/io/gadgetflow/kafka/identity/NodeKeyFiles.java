package io.gadgetflow.kafka.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Node keys kept in a directory only its owner may read, one file {@code <node>.key} per node (its
 * secret in base64): how {@code gadgetflow up}, where the launcher runs the controller and the one
 * node agent, gives both the same key without any registration.
 */
public final class NodeKeyFiles {
  private static final String SUFFIX = ".key";

  private NodeKeyFiles() {}

  /** The key of {@code node} in {@code directory}, made (owner-only) when there is none yet. */
  public static NodeKey loadOrCreate(Path directory, String node) {
    Path file = directory.resolve(fileName(node));
    try {
      Files.createDirectories(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      if (!Files.exists(file)) {
        NodeKey key = NodeKey.generate(node);
        try {
          Files.writeString(
              Files.createFile(
                  file,
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------"))),
              key.encoded(),
              StandardOpenOption.WRITE);
          return key;
        } catch (FileAlreadyExistsException raced) {
          // Another process made it first: use theirs.
        }
      }
      return NodeKey.decode(node, Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or make the node key " + file, e);
    }
  }

  /** The key of {@code node} in {@code directory}, if there is one. */
  public static Optional<NodeKey> load(Path directory, String node) {
    Path file = directory.resolve(fileName(node));
    try {
      return Files.exists(file)
          ? Optional.of(NodeKey.decode(node, Files.readString(file, StandardCharsets.US_ASCII)))
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the node key " + file, e);
    }
  }

  private static String fileName(String node) {
    // Kubernetes node names are DNS subdomains: no separator can walk out of the directory.
    if (!node.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")
        && !node.matches("[A-Za-z0-9][-A-Za-z0-9._]*")) {
      throw new IllegalArgumentException("Not a node name: \"" + node + "\"");
    }
    return node + SUFFIX;
  }
}
