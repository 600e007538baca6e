package io.gadgetflow.node.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeneathDirectoriesTest {
  @TempDir Path temporary;

  @Test
  void everyMissingFolderIsMadeAndExistingOnesAreEntered() throws IOException {
    Path root = Files.createDirectories(temporary.resolve("output")).toRealPath();
    Files.createDirectories(root.resolve("a"));

    BeneathDirectories.create(root, Path.of("a/b/c"));
    BeneathDirectories.create(root, Path.of("a/b/c"));
    BeneathDirectories.create(root, Path.of(""));

    assertThat(root.resolve("a/b/c")).isDirectory();
  }

  /**
   * The state a swap leaves: a folder that a check saw is now a link to a folder elsewhere. Nothing
   * is made through it, and the same with the link as the last folder.
   */
  @Test
  void aFolderThatIsASymbolicLinkIsRefusedAndNothingIsMadeThroughIt() throws IOException {
    Path root = Files.createDirectories(temporary.resolve("output")).toRealPath();
    Path elsewhere = Files.createDirectories(temporary.resolve("elsewhere"));
    Files.createDirectories(root.resolve("a"));
    Files.createSymbolicLink(root.resolve("a/b"), elsewhere);

    assertThatThrownBy(() -> BeneathDirectories.create(root, Path.of("a/b/c")))
        .isInstanceOf(IOException.class)
        .hasMessage(root.resolve("a/b") + " is a symbolic link; File output follows none");
    assertThatThrownBy(() -> BeneathDirectories.create(root, Path.of("a/b")))
        .hasMessageContaining("is a symbolic link");
    assertThat(elsewhere.resolve("c")).doesNotExist();
    assertThat(root.resolve("a/b")).isSymbolicLink();
  }

  @Test
  void aDanglingLinkIsNotMadeIntoAFolderWhereItPoints() throws IOException {
    Path root = Files.createDirectories(temporary.resolve("output")).toRealPath();
    Path target = temporary.resolve("made-by-the-link");
    Files.createSymbolicLink(root.resolve("d"), target);

    assertThatThrownBy(() -> BeneathDirectories.create(root, Path.of("d/e")))
        .hasMessageContaining("is a symbolic link");
    assertThat(target).doesNotExist();
    assertThat(Files.exists(root.resolve("d"), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void aFileInTheWayAndARootWithALinkAreRefused() throws IOException {
    Path root = Files.createDirectories(temporary.resolve("output")).toRealPath();
    Files.writeString(root.resolve("file"), "x");
    Path linkedRoot = temporary.resolve("linked-root");
    Files.createSymbolicLink(linkedRoot, root);

    assertThatThrownBy(() -> BeneathDirectories.create(root, Path.of("file/x")))
        .hasMessage(root.resolve("file") + " is not a folder");
    assertThatThrownBy(() -> BeneathDirectories.create(linkedRoot, Path.of("x")))
        .hasMessageContaining("is a symbolic link");
    assertThat(root.resolve("x")).doesNotExist();
  }
}
