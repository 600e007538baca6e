package io.gadgetflow.node.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOutputPathTest {
  @TempDir Path temporary;

  @Test
  void aRelativeOrAbsolutePathBelowTheDirectoryIsAcceptedAndItsFoldersCreated() throws Exception {
    Path root = temporary.resolve("output");

    Path relative = FileOutputPath.check("traces/a.jsonl", root);
    Path absolute = FileOutputPath.check(root.resolve("b.jsonl").toString(), root);

    assertThat(relative).isEqualTo(root.toRealPath().resolve("traces/a.jsonl"));
    assertThat(relative.getParent()).isDirectory();
    assertThat(absolute).isEqualTo(root.toRealPath().resolve("b.jsonl"));
  }

  @Test
  void pathsLeavingTheDirectoryAreRefused() {
    Path root = temporary.resolve("output");

    for (String output : new String[] {"../x.jsonl", "/etc/passwd", "a/../../x.jsonl", "."}) {
      assertThatThrownBy(() -> FileOutputPath.check(output, root))
          .as(output)
          .isInstanceOf(FileOutputPath.Refused.class)
          .hasMessageContaining("is outside");
    }
  }

  @Test
  void aSymbolicLinkOutOfTheDirectoryIsRefusedAndNothingIsCreatedThere() throws Exception {
    Path root = Files.createDirectories(temporary.resolve("output"));
    Path elsewhere = Files.createDirectories(temporary.resolve("elsewhere"));
    Files.createSymbolicLink(root.resolve("link"), elsewhere);

    assertThatThrownBy(() -> FileOutputPath.check("link/sub/x.jsonl", root))
        .isInstanceOf(FileOutputPath.Refused.class)
        .hasMessageContaining("is outside");
    assertThat(elsewhere.resolve("sub")).doesNotExist();
  }

  @Test
  void aSymbolicLinkBelowTheDirectoryIsRefusedEvenWhereItPointsInside() throws Exception {
    Path root = Files.createDirectories(temporary.resolve("output"));
    Files.createDirectories(root.resolve("inside"));
    Files.createSymbolicLink(root.resolve("link"), root.resolve("inside"));

    assertThatThrownBy(() -> FileOutputPath.check("link/sub/x.jsonl", root))
        .isInstanceOf(FileOutputPath.Refused.class)
        .hasMessageContaining("is a symbolic link");
    assertThat(root.resolve("inside/sub")).doesNotExist();
  }

  @Test
  void aMissingOutputOrADirectoryIsRefused() throws Exception {
    Path root = Files.createDirectories(temporary.resolve("output"));
    Files.createDirectories(root.resolve("folder"));

    assertThatThrownBy(() -> FileOutputPath.check(" ", root))
        .hasMessageStartingWith("Missing output file");
    assertThatThrownBy(() -> FileOutputPath.check("folder", root))
        .hasMessageContaining("it is a directory");
  }
}
