package io.gadgetflow.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaStorageTest {
  @TempDir Path dataDir;

  @Test
  void emptyDirectoryIsFormattedOnceThenReused() throws IOException {
    assertThat(KafkaStorage.formatIfNeeded(dataDir)).isTrue();
    String metaProperties = Files.readString(dataDir.resolve("meta.properties"));

    assertThat(KafkaStorage.formatIfNeeded(dataDir)).isFalse();
    assertThat(dataDir.resolve("meta.properties")).hasContent(metaProperties);
  }

  @Test
  void missingDirectoryIsCreatedAndFormatted() {
    Path nested = dataDir.resolve("share/gadgetflow/kafka");

    assertThat(KafkaStorage.formatIfNeeded(nested)).isTrue();
    assertThat(nested.resolve("meta.properties")).exists();
  }

  @Test
  void directoryWithOtherFilesIsNotFormatted() throws IOException {
    Files.writeString(dataDir.resolve("notes.txt"), "mine");

    assertThatExceptionOfType(KafkaStartException.class)
        .isThrownBy(() -> KafkaStorage.formatIfNeeded(dataDir))
        .withMessageContaining(dataDir.toString())
        .withMessageContaining("neither empty nor formatted");
  }

  @Test
  void directoryLockedByARunningKafkaIsRefused() throws IOException {
    KafkaStorage.formatIfNeeded(dataDir);
    try (FileChannel lockedByKafka =
        FileChannel.open(
            dataDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      lockedByKafka.lock();

      assertThatExceptionOfType(KafkaStartException.class)
          .isThrownBy(() -> KafkaStorage.requireNotInUse(dataDir))
          .withMessageContaining(dataDir + " is in use by another running Kafka");
    }
  }

  @Test
  void lockFileLeftByACrashedKafkaDoesNotBlock() throws IOException {
    KafkaStorage.formatIfNeeded(dataDir);
    Files.createFile(dataDir.resolve(".lock"));

    KafkaStorage.requireNotInUse(dataDir);
  }
}
