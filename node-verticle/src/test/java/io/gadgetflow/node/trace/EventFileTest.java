package io.gadgetflow.node.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventFileTest {
  private static final byte[] EVENT = "{\"pid\":1}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path directory;

  @Test
  void appendsOneLinePerEventToWhatIsThere() throws Exception {
    Path file = Files.writeString(directory.resolve("events.jsonl"), "{\"old\":true}\n");

    try (EventFile events = EventFile.append(file)) {
      events.appendLine(EVENT);
      events.appendLine(EVENT);
      events.flush();
      assertThat(Files.readAllLines(file))
          .containsExactly("{\"old\":true}", "{\"pid\":1}", "{\"pid\":1}");
    }
    assertThat(Files.readAllLines(file)).hasSize(3);
  }

  @Test
  void aLineAfterTheCloseIsNotWrittenNorCounted() throws Exception {
    Path file = directory.resolve("events.jsonl");
    EventFile events = EventFile.append(file);
    events.appendLine(EVENT);
    events.close();

    events.appendLine(EVENT);
    events.flush();

    assertThat(Files.readAllLines(file)).containsExactly("{\"pid\":1}");
    assertThat(events.failedLines()).isZero();
  }

  @Test
  void linesThatCannotBeWrittenAreCountedAsLost() {
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    try (EventFile events = EventFile.append(Path.of("/dev/full"))) {
      events.appendLine(EVENT);
      events.appendLine(EVENT);
      events.flush();
      events.appendLine(EVENT);

      assertThat(events.failedLines()).isEqualTo(3);
    }
  }

  @Test
  void aSymbolicLinkIsNotFollowed() throws Exception {
    Path target = Files.writeString(directory.resolve("target"), "");
    Path link = Files.createSymbolicLink(directory.resolve("link.jsonl"), target);

    assertThatThrownBy(() -> EventFile.append(link)).isInstanceOf(UncheckedIOException.class);
  }
}
