package io.gadgetflow.node.gadget.profile.blockio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetResults;
import io.gadgetflow.node.gadget.RunningGadget;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Needs the temporary directory on a real block device, as on these machines (/dev/vda). */
class BlockIoGadgetIT {
  private static final int BLOCKS = 256;

  @TempDir Path directory;

  @Test
  void countsEveryDirectReadOfARealDiskInTheHistogram() throws Exception {
    Path file = DirectIo.fileOfBlocks(directory, BLOCKS);
    try (RunningGadget gadget =
        RunningGadget.start(BlockIoGadget.PROGRAM, GadgetOptions.unfiltered())) {
      int reads = DirectIo.readEveryBlock(file);
      assertThat(reads).isEqualTo(BLOCKS);

      String output = GadgetResults.read(gadget).output();

      JsonNode report = Json.mapper().readTree(output);
      assertThat(report.get("valType").asText()).isEqualTo("usecs");
      long total = 0;
      long expectedStart = 0;
      for (JsonNode interval : report.get("data")) {
        assertThat(interval.get("intervalStart").asLong()).isEqualTo(expectedStart);
        long end = interval.get("intervalEnd").asLong();
        assertThat(end).isEqualTo(expectedStart == 0 ? 1 : 2 * expectedStart - 1);
        expectedStart = end + 1;
        total += interval.get("count").asLong();
      }
      // Other processes may do I/O too, never less.
      assertThat(total).isGreaterThanOrEqualTo(BLOCKS);
      assertThat(gadget.lostEvents()).isZero();
    }
  }
}
