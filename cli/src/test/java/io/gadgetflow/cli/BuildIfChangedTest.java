package io.gadgetflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code build_if_changed} of {@code scripts/lib.sh}, which lets a warm {@code ./gadgetflow up}
 * skip the Maven build: run by bash in a small git checkout of two modules, the second reading a
 * folder outside itself as cli reads {@code k8s/install}. Its {@code mvnw} only counts the builds
 * and writes the output, so each case says whether a build ran.
 */
class BuildIfChangedTest {
  private static final Path LIB = Path.of("..", "scripts", "lib.sh");

  @TempDir Path checkout;

  @BeforeEach
  void makeCheckout() throws IOException, InterruptedException {
    write("scripts/lib.sh", Files.readString(LIB));
    write(
        "mvnw",
        """
        #!/usr/bin/env bash
        echo "$*" >>builds.log
        [[ ! -e fail ]] || exit 1
        mkdir -p two/target && date +%s%N >two/target/two.jar
        """);
    Files.setPosixFilePermissions(
        checkout.resolve("mvnw"), PosixFilePermissions.fromString("rwxr-xr-x"));
    write(".gitignore", "target/\nbuilds.log\n");
    write("pom.xml", "<modules>\n  <module>one</module>\n  <module>two</module>\n</modules>\n");
    write("one/pom.xml", "<project/>\n");
    write("one/src/One.java", "class One {}\n");
    write(
        "two/pom.xml",
        "<project><directory>${project.basedir}/../shared/manifests</directory></project>\n");
    write("shared/manifests/a.yaml", "a: 1\n");
    write("docs/notes.md", "notes\n");
    run("git", "init", "-q");
  }

  @Test
  void buildsOnceThenSkipsWhileNothingChanged() throws Exception {
    assertThat(buildIfChanged()).isEqualTo(0);
    assertThat(buildIfChanged()).isEqualTo(0);
    assertThat(builds()).containsExactly("-B -q install -DskipTests");
  }

  @Test
  void buildsAgainWhenAModuleFileChanges() throws Exception {
    buildIfChanged();
    write("one/src/One.java", "class One { int changed; }\n");
    buildIfChanged();
    buildIfChanged();
    assertThat(builds()).hasSize(2);
  }

  @Test
  void buildsAgainForANewFileGitDoesNotIgnore() throws Exception {
    buildIfChanged();
    write("one/src/Two.java", "class Two {}\n");
    buildIfChanged();
    assertThat(builds()).hasSize(2);
  }

  @Test
  void buildsAgainWhenAFolderAPomReadsOutsideItsModuleChanges() throws Exception {
    buildIfChanged();
    write("shared/manifests/a.yaml", "a: 2\n");
    buildIfChanged();
    assertThat(builds()).hasSize(2);
  }

  @Test
  void skipsForIgnoredFilesAndFilesNoBuildReads() throws Exception {
    buildIfChanged();
    write("one/target/leftover.class", "x");
    write("docs/notes.md", "more notes\n");
    buildIfChanged();
    assertThat(builds()).hasSize(1);
  }

  @Test
  void buildsAgainWhenTheOutputIsNoLongerWhatTheBuildLeft() throws Exception {
    buildIfChanged();
    write("two/target/two.jar", "built by something else");
    buildIfChanged();
    Files.delete(checkout.resolve("two/target/two.jar"));
    buildIfChanged();
    assertThat(builds()).hasSize(3);
  }

  @Test
  void aFailedBuildIsTriedAgainNextTime() throws Exception {
    write("fail", "");
    assertThat(buildIfChanged()).isEqualTo(1);
    Files.delete(checkout.resolve("fail"));
    assertThat(buildIfChanged()).isEqualTo(0);
    assertThat(builds()).hasSize(2);
  }

  @Test
  void alwaysBuildsOutsideAGitCheckout() throws Exception {
    run("rm", "-rf", ".git");
    buildIfChanged();
    buildIfChanged();
    assertThat(builds()).hasSize(2);
  }

  private int buildIfChanged() throws IOException, InterruptedException {
    return run(
        "bash",
        "-c",
        "set -euo pipefail; source scripts/lib.sh; build_if_changed two/target/two.jar");
  }

  private List<String> builds() throws IOException {
    Path log = checkout.resolve("builds.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  private void write(String path, String content) throws IOException {
    Path file = checkout.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private int run(String... command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(checkout.toFile()).inheritIO();
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ends", List.of(command)).isTrue();
    return process.exitValue();
  }
}
