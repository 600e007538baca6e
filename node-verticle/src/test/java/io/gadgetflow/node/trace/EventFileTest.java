package io.gadgetflow.node.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventFileTest {
  private static final byte[] EVENT = "{\"pid\":1}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] WARNING =
      "{\"type\":\"warn\",\"message\":\"lost 1 samples\"}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path directory;

  @Test
  void appendsOneLinePerEventToWhatIsThere() throws Exception {
    Path file = Files.writeString(directory.resolve("events.jsonl"), "{\"old\":true}\n");

    try (EventFile events = EventFile.append(file)) {
      events.appendLine(EVENT, EVENT.length);
      events.appendLine(EVENT, EVENT.length);
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
    events.appendLine(EVENT, EVENT.length);
    events.close();

    events.appendLine(EVENT, EVENT.length);
    events.flush();

    assertThat(Files.readAllLines(file)).containsExactly("{\"pid\":1}");
    assertThat(events.failedLines()).isZero();
  }

  @Test
  void eventsLinesThatCannotBeWrittenAreCountedAsLostWarningsNot() {
    OutputStream fullDisk =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("No space left on device");
          }
        };
    try (EventFile events =
        new EventFile(directory.resolve("full.jsonl"), new BufferedOutputStream(fullDisk, 16))) {
      events.appendLine(EVENT, EVENT.length);
      events.appendWarning(WARNING);
      events.appendLine(EVENT, EVENT.length);
      events.flush();
      events.appendWarning(WARNING);
      events.appendLine(EVENT, EVENT.length);

      assertThat(events.failedLines()).as("events only: a warning is not one").isEqualTo(3);
    }
  }

  @Test
  void aSymbolicLinkIsNotFollowed() throws Exception {
    Path target = Files.writeString(directory.resolve("target"), "");
    Path link = Files.createSymbolicLink(directory.resolve("link.jsonl"), target);

    assertThatThrownBy(() -> EventFile.append(link))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("symbolic link");
  }

  @Test
  void aFolderOnTheWaySwappedForASymbolicLinkIsNotFollowed() throws Exception {
    Path elsewhere = Files.createDirectory(directory.resolve("elsewhere"));
    Path folder = Files.createSymbolicLink(directory.resolve("folder"), elsewhere);

    assertThatThrownBy(() -> EventFile.append(folder.resolve("events.jsonl")))
        .hasMessageContaining("symbolic link");
    assertThat(elsewhere.resolve("events.jsonl")).doesNotExist();
  }

  @Test
  void aFifoADeviceOrAHardLinkIsRefusedBeforeAByteIsWritten() throws Exception {
    Path fifo = directory.resolve("fifo.jsonl");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    // Opening a FIFO to write would block without a reader: refused before it is opened so.
    assertThatThrownBy(() -> EventFile.append(fifo)).hasMessageContaining("is a FIFO");

    assertThatThrownBy(() -> EventFile.append(Path.of("/dev/null")))
        .hasMessageContaining("is a character device");

    Path precious = Files.writeString(directory.resolve("precious"), "secret\n");
    Path hardLink = Files.createLink(directory.resolve("events.jsonl"), precious);
    assertThatThrownBy(() -> EventFile.append(hardLink)).hasMessageContaining("2 hard links");
    assertThat(Files.readString(precious)).isEqualTo("secret\n");
  }
}
