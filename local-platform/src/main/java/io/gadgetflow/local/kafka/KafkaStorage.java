package io.gadgetflow.local.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A KRaft data directory: formatted once, as {@code kafka-storage format} would, then reused by one
 * broker at a time.
 */
final class KafkaStorage {
  private static final String META_PROPERTIES = "meta.properties";
  private static final String LOCK_FILE = ".lock";

  private KafkaStorage() {}

  /** Formats {@code dataDir} with a new cluster id and no users unless it is formatted already. */
  static boolean formatIfNeeded(Path dataDir) {
    return formatIfNeeded(dataDir, List.of());
  }

  /**
   * Formats {@code dataDir} with a new cluster id and these SCRAM users ({@code
   * MECHANISM=[name=...,password=...]}, as {@code kafka-storage format --add-scram} takes them)
   * unless it is formatted already.
   *
   * @return true when the directory was formatted now, false when it was reused
   */
  static boolean formatIfNeeded(Path dataDir, List<String> scramArguments) {
    return formatIfNeeded(
        dataDir, BrokerProperties.NODE_ID, Uuid.randomUuid().toString(), scramArguments);
  }

  /**
   * Formats {@code dataDir} for node {@code nodeId} of cluster {@code clusterId}, without users,
   * unless it is formatted already: every node of a cluster is formatted with the same cluster id.
   *
   * @return true when the directory was formatted now, false when it was reused
   */
  static boolean formatIfNeeded(Path dataDir, int nodeId, String clusterId) {
    return formatIfNeeded(dataDir, nodeId, clusterId, List.of());
  }

  private static boolean formatIfNeeded(
      Path dataDir, int nodeId, String clusterId, List<String> scramArguments) {
    try {
      Files.createDirectories(dataDir);
      if (Files.exists(dataDir.resolve(META_PROPERTIES))) {
        return false;
      }
      if (!isEmpty(dataDir)) {
        throw new KafkaStartException(
            "Kafka data directory "
                + dataDir
                + " is neither empty nor formatted (it has no "
                + META_PROPERTIES
                + "); choose another directory or empty this one");
      }
      String directory = dataDir.toString();
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(nodeId)
          .setClusterId(clusterId)
          .setDirectories(List.of(directory))
          .setMetadataLogDirectory(directory)
          .setControllerListenerName(BrokerProperties.CONTROLLER_LISTENER)
          .setScramArguments(scramArguments)
          .run();
      return true;
    } catch (KafkaStartException e) {
      throw e;
    } catch (Exception e) {
      throw new KafkaStartException("Could not format Kafka data directory " + dataDir, e);
    }
  }

  static boolean isFormatted(Path dataDir) {
    return Files.exists(dataDir.resolve(META_PROPERTIES));
  }

  /**
   * Refuses a directory whose lock a running broker holds. Kafka takes that lock only when its
   * broker half starts, after the controller half has already begun writing the shared metadata
   * log, so a second broker on the same data must be stopped before it starts at all.
   */
  static void requireNotInUse(Path dataDir) {
    Path lockFile = dataDir.resolve(LOCK_FILE);
    if (!Files.exists(lockFile)) {
      return;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock == null) {
        throw inUse(dataDir);
      }
    } catch (OverlappingFileLockException e) {
      throw inUse(dataDir);
    } catch (IOException e) {
      throw new KafkaStartException("Cannot check whether " + dataDir + " is in use", e);
    }
  }

  private static KafkaStartException inUse(Path dataDir) {
    return new KafkaStartException(
        "Kafka data directory "
            + dataDir
            + " is in use by another running Kafka; stop it or choose another directory");
  }

  private static boolean isEmpty(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isEmpty();
    }
  }
}
