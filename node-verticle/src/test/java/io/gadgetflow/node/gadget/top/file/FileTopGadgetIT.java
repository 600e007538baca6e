package io.gadgetflow.node.gadget.top.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.OwnMountNamespace;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TopRow;
import io.gadgetflow.node.gadget.TopTableReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workloads whose reads and writes are known to the byte: dd writes and reads files in blocks it is
 * told, in a mount namespace of its own that the gadget is filtered on, so that the table holds
 * nothing else.
 */
class FileTopGadgetIT {
  /** FILE_MAX_ENTRIES of the program. */
  private static final int TABLE_ROWS = 10240;

  @TempDir Path directory;

  @Test
  void countsEveryReadAndWriteOfAFileWithItsBytesPerThread() throws Exception {
    Path file = directory.resolve("filetop-known.bin");
    Map<String, String> parameters = Map.of();
    try (RunningGadget gadget = start(parameters)) {
      TopTableReader table = reader(parameters);
      List<String> pids =
          OwnMountNamespace.run(
              gadget.mountNamespaceFilter()::select,
              "dd if=/dev/zero of=%s bs=1000 count=7 status=none & echo $!; wait $!; "
                      .formatted(file)
                  + "dd if=%s of=/dev/null bs=500 count=11 status=none & echo $!; wait $!"
                      .formatted(file));

      List<TopRow> all = table.takeRows(gadget);
      List<FileStat> rows = named(all, "filetop-known.bin");
      FileStat writer = rows.stream().filter(r -> r.writes() > 0).findFirst().orElseThrow();
      FileStat reader = rows.stream().filter(r -> r.reads() > 0).findFirst().orElseThrow();
      assertThat(rows).hasSize(2);
      assertThat(writer)
          .isEqualTo(
              new FileStat(
                  writer.mountNsId(),
                  Long.parseLong(pids.get(0)),
                  Long.parseLong(pids.get(0)),
                  "dd",
                  0,
                  7,
                  0,
                  7000,
                  "R",
                  "filetop-known.bin"));
      assertThat(reader.pid()).isEqualTo(Long.parseLong(pids.get(1)));
      assertThat(reader.tid()).isEqualTo(reader.pid());
      assertThat(reader.reads()).isEqualTo(11);
      assertThat(reader.readBytes()).isEqualTo(5500);
      assertThat(reader.writes()).isZero();
      assertThat(reader.mountNsId()).isEqualTo(writer.mountNsId());
      // /dev/zero and /dev/null are not regular files.
      assertThat(all).noneMatch(row -> row.column("file_type").equals("O"));
      assertThat(gadget.lostEvents()).isZero();
    }
  }

  @Test
  void eachIntervalStartsEmpty() throws Exception {
    Path file = directory.resolve("filetop-once.bin");
    try (RunningGadget gadget = start(Map.of())) {
      TopTableReader table = reader(Map.of());
      OwnMountNamespace.run(
          gadget.mountNamespaceFilter()::select,
          "dd if=/dev/zero of=%s bs=100 count=3 status=none".formatted(file));

      assertThat(named(table.takeRows(gadget), "filetop-once.bin")).hasSize(1);
      assertThat(table.takeRows(gadget)).isEmpty();
    }
  }

  @Test
  void withAllFilesDevicesAndPipesCountToo() throws Exception {
    Map<String, String> parameters = Map.of("all_files", "true");
    try (RunningGadget gadget = start(parameters)) {
      TopTableReader table = reader(parameters);
      OwnMountNamespace.run(
          gadget.mountNamespaceFilter()::select,
          "dd if=/dev/zero of=/dev/null bs=64 count=5 status=none");

      List<TopRow> rows = table.takeRows(gadget);
      assertThat(rows)
          .filteredOn(row -> row.column("filename").equals("zero"))
          .singleElement()
          .satisfies(
              zero -> {
                assertThat(zero.column("reads")).isEqualTo(5L);
                assertThat(zero.column("rbytes")).isEqualTo(320L);
                assertThat(zero.column("file_type")).isEqualTo("O");
              });
      assertThat(rows)
          .filteredOn(row -> row.column("filename").equals("null"))
          .singleElement()
          .satisfies(devNull -> assertThat(devNull.column("wbytes")).isEqualTo(320L));
    }
  }

  @Test
  void aReportKeepsTheFirstMaxRowsInSortOrder() throws Exception {
    Map<String, String> parameters = Map.of("sort_by", "-wbytes,filename", "max_rows", "2");
    try (RunningGadget gadget = start(parameters)) {
      TopTableReader table = reader(parameters);
      OwnMountNamespace.run(
          gadget.mountNamespaceFilter()::select,
          "dd if=/dev/zero of=%s/small bs=100 count=3 status=none; ".formatted(directory)
              + "dd if=/dev/zero of=%s/large bs=100 count=5 status=none; ".formatted(directory)
              + "dd if=/dev/zero of=%s/medium bs=400 count=1 status=none".formatted(directory));

      List<TopRow> report = table.top(table.takeRows(gadget));

      assertThat(report)
          .extracting(row -> row.column("filename"), row -> row.column("wbytes"))
          .containsExactly(tuple("large", 500L), tuple("medium", 400L));
    }
  }

  @Test
  void aFullTableCountsEveryWriteItHasNoRowForAsLost() throws Exception {
    try (RunningGadget gadget = start(Map.of())) {
      TopTableReader table = reader(Map.of());
      // One write of one shell (builtins only: no other process, no other file) to each of 60
      // files more than the table holds.
      OwnMountNamespace.run(
          gadget.mountNamespaceFilter()::select,
          "cd %s && i=0; while [ $i -lt %d ]; do echo x > f$i; i=$((i + 1)); done"
              .formatted(directory, TABLE_ROWS + 60));

      assertThat(table.takeRows(gadget)).hasSize(TABLE_ROWS);
      assertThat(gadget.lostEvents()).isEqualTo(60);
    }
  }

  private static RunningGadget start(Map<String, String> parameters) {
    return RunningGadget.start(
        FileTopGadget.PROGRAM,
        GadgetOptions.filtered(Set.of()),
        new GadgetParameters(GadgetCatalog.FILETOP, parameters));
  }

  private static TopTableReader reader(Map<String, String> parameters) {
    return new TopTableReader(
        FileTopGadget.PROGRAM.table().orElseThrow(),
        GadgetCatalog.FILETOP,
        new GadgetParameters(GadgetCatalog.FILETOP, parameters));
  }

  private static List<FileStat> named(List<TopRow> rows, String name) {
    return rows.stream()
        .map(FileStat.class::cast)
        .filter(row -> row.filename().equals(name))
        .toList();
  }
}
