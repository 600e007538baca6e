package io.gadgetflow.node.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.node.catalog.GadgetPrograms;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One name per gadget across the trees (docs/gadgets.md): the catalogue's category and command name
 * the BPF folder {@code src/main/bpf/<category>/<command>/}, the compiled object {@code
 * bpf/<category>/<command>/program.bpf.o} and, without the '-' Java forbids, the package {@code
 * io.gadgetflow.node.gadget.<category>.<command>} of the gadget's main and test classes.
 */
class GadgetNamesTest {
  private static final Path BPF_SOURCES = Path.of("src", "main", "bpf");
  private static final Path GADGET_PACKAGE = Path.of("io", "gadgetflow", "node", "gadget");
  private static final Path MAIN_JAVA = Path.of("src", "main", "java");
  private static final Path MAIN_GADGETS = MAIN_JAVA.resolve(GADGET_PACKAGE);
  private static final Path TEST_GADGETS = Path.of("src", "test", "java").resolve(GADGET_PACKAGE);

  /** What the BPF tree holds beside the gadgets' folders. */
  private static final String SHARED_BPF_HEADERS = "include";

  static Stream<Named<GadgetProgram>> programs() {
    return GadgetPrograms.all().stream().map(program -> Named.of(program.name(), program));
  }

  @ParameterizedTest
  @MethodSource("programs")
  void theCatalogueNamesTheBpfFolderAndTheObject(GadgetProgram program) {
    assertThat(GadgetCatalog.find(program.name())).contains(program.descriptor());
    Path folder = BPF_SOURCES.resolve(folder(program.descriptor()));

    assertThat(folder.resolve("program.bpf.c")).isRegularFile();
    assertThat(program.objectResource())
        .isEqualTo("bpf/" + folder(program.descriptor()) + "/program.bpf.o");
  }

  @ParameterizedTest
  @MethodSource("programs")
  void theProgramIsDeclaredInThePackageNamedAfterTheGadget(GadgetProgram program)
      throws IOException, ReflectiveOperationException {
    List<Class<?>> declaringClasses = new ArrayList<>();
    for (Class<?> type : mainGadgetClasses()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())
            && field.getType() == GadgetProgram.class
            && field.trySetAccessible()
            && field.get(null) == program) {
          declaringClasses.add(type);
        }
      }
    }

    assertThat(declaringClasses)
        .as("the classes declaring the program of %s", program.name())
        .singleElement()
        .extracting(Class::getPackageName)
        .isEqualTo(javaPackage(program.descriptor()));
  }

  @Test
  void everyGadgetPackageOfTheJavaTreesIsTheOneOfAGadget() throws IOException {
    List<String> expected =
        GadgetPrograms.all().stream().map(program -> javaPackage(program.descriptor())).toList();

    assertThat(gadgetPackages(MAIN_GADGETS)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(gadgetPackages(TEST_GADGETS)).isSubsetOf(expected);
  }

  @Test
  void everyFolderOfTheBpfTreeIsTheOneOfAGadget() throws IOException {
    List<String> expected =
        GadgetPrograms.all().stream().map(program -> folder(program.descriptor())).toList();

    assertThat(gadgetFolders(BPF_SOURCES))
        .extracting(folder -> BPF_SOURCES.relativize(folder).toString())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  private static String folder(GadgetDescriptor descriptor) {
    return descriptor.category().folderName() + "/" + descriptor.command();
  }

  private static String javaPackage(GadgetDescriptor descriptor) {
    return "io.gadgetflow.node.gadget."
        + descriptor.category().folderName()
        + "."
        + descriptor.command().replace("-", "");
  }

  private static List<String> gadgetPackages(Path root) throws IOException {
    return gadgetFolders(root).stream()
        .map(
            folder ->
                "io.gadgetflow.node.gadget." + root.relativize(folder).toString().replace('/', '.'))
        .toList();
  }

  /** The {@code <category>/<gadget>} folders below {@code root}. */
  private static List<Path> gadgetFolders(Path root) throws IOException {
    try (Stream<Path> categories = Files.list(root)) {
      List<Path> folders = new ArrayList<>();
      for (Path category : categories.filter(Files::isDirectory).sorted().toList()) {
        if (category.getFileName().toString().equals(SHARED_BPF_HEADERS)) {
          continue;
        }
        try (Stream<Path> gadgets = Files.list(category)) {
          gadgets.filter(GadgetNamesTest::holdsFiles).sorted().forEach(folders::add);
        }
      }
      return folders;
    }
  }

  /** A folder git would keep: one a rename left empty is no gadget's. */
  private static boolean holdsFiles(Path path) {
    if (!Files.isDirectory(path)) {
      return false;
    }
    try (Stream<Path> files = Files.list(path)) {
      return files.anyMatch(Files::isRegularFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Class<?>> mainGadgetClasses() throws IOException, ClassNotFoundException {
    List<Class<?>> classes = new ArrayList<>();
    for (Path folder : gadgetFolders(MAIN_GADGETS)) {
      try (Stream<Path> files = Files.list(folder)) {
        for (Path source : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
          String relative = MAIN_JAVA.relativize(source).toString();
          String className =
              relative.substring(0, relative.length() - ".java".length()).replace('/', '.');
          classes.add(Class.forName(className));
        }
      }
    }
    return classes;
  }
}
