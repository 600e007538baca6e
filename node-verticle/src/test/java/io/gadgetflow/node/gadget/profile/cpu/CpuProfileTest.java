package io.gadgetflow.node.gadget.profile.cpu;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.gadget.GadgetResults;
import io.gadgetflow.node.gadget.StatusOutput;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuProfileTest {
  private static final long MOUNT_NS = 4026532412L;

  /** Two kernel frames, and three user frames. */
  private static final long KERNEL = 0x6b1d2c3e4f506172L;

  private static final long USER = 0x2c0ffee0ddba11L;

  private static final Map<Long, long[]> STACKS =
      Map.of(
          KERNEL, new long[] {0xffffffff81d7da20L, 0xffffffff816d86b0L, 0, 0},
          USER, new long[] {0x55d0c0a01211L, 0x55d0c0a01300L, 0x7f1e56c6a24aL, 0});

  private static final FrameNames FRAMES =
      new FrameNames() {
        @Override
        public String kernel(long address) {
          return address == 0xffffffff81d7da20L ? "read_zero" : "vfs_read";
        }

        @Override
        public String user(long pid, long address) {
          return address == 0x55d0c0a01211L
              ? "gadgetflow_spin_user"
              : address == 0x55d0c0a01300L ? "main" : "0x" + Long.toHexString(address);
        }
      };

  @Test
  void decodesAProfileKey() {
    MemorySegment key = Arena.ofAuto().allocate(StackCount.PROFILE_KEY);
    key.set(JAVA_LONG, offset("mount_ns_id"), MOUNT_NS);
    key.set(JAVA_INT, offset("pid"), 811);
    key.set(JAVA_LONG, offset("kernel_stack_id"), StackCount.NO_STACK);
    key.set(JAVA_LONG, offset("user_stack_id"), USER);
    byte[] comm = "gadgetflow-spin".getBytes(StandardCharsets.UTF_8);
    MemorySegment.copy(comm, 0, key, JAVA_BYTE, offset("comm"), comm.length);

    assertThat(StackCount.decode(key, 29))
        .isEqualTo(new StackCount(MOUNT_NS, 811, "gadgetflow-spin", StackCount.NO_STACK, USER, 29));
  }

  @Test
  void entriesComeLeastSampledFirstWithTheirNamesAndNamedFrames() throws Exception {
    StatusOutput.Result result =
        profile()
            .report(
                List.of(
                    new StackCount(MOUNT_NS, 811, "gadgetflow-spin", StackCount.NO_STACK, USER, 29),
                    new StackCount(MOUNT_NS, 811, "gadgetflow-spin", KERNEL, USER, 3)));

    assertThat(result.warning()).isNull();
    assertThat(result.output())
        .isEqualTo(
            "[{\"node\":\"test-node\",\"namespace\":\"\",\"pod\":\"\",\"container\":\"\","
                + "\"comm\":\"gadgetflow-spin\",\"pid\":811,\"mountnsid\":4026532412,"
                + "\"userStack\":[\"gadgetflow_spin_user\",\"main\",\"0x7f1e56c6a24a\"],"
                + "\"kernelStack\":[\"read_zero\",\"vfs_read\"],\"count\":3},"
                + "{\"node\":\"test-node\",\"namespace\":\"\",\"pod\":\"\",\"container\":\"\","
                + "\"comm\":\"gadgetflow-spin\",\"pid\":811,\"mountnsid\":4026532412,"
                + "\"userStack\":[\"gadgetflow_spin_user\",\"main\",\"0x7f1e56c6a24a\"],"
                + "\"count\":29}]");
    RecordSchemas.assertValid("output-profile.json", result.output());
  }

  @Test
  void aLostStackIsMissedAndAKernelThreadHasNoUserStack() throws Exception {
    String output =
        profile()
            .report(
                List.of(
                    new StackCount(MOUNT_NS, 77, "kworker/0:1", KERNEL, StackCount.NO_STACK, 5),
                    new StackCount(
                        MOUNT_NS,
                        811,
                        "gadgetflow-spin",
                        StackCount.LOST_STACK,
                        StackCount.LOST_STACK,
                        1)))
            .output();

    List<JsonNode> entries = entries(output);
    assertThat(entries.get(0).get("userStack").get(0).asText())
        .isEqualTo(CpuProfile.MISSED_USER_STACK);
    assertThat(entries.get(0).get("kernelStack").get(0).asText())
        .isEqualTo(CpuProfile.MISSED_KERNEL_STACK);
    assertThat(entries.get(1).has("userStack")).isFalse();
    assertThat(entries.get(1).get("kernelStack")).hasSize(2);
    RecordSchemas.assertValid("output-profile.json", output);
  }

  @Test
  void anEmptyProfileIsAnEmptyArray() {
    assertThat(profile().report(List.of())).isEqualTo(StatusOutput.Result.of("[]"));
  }

  @Test
  void aReportTooLargeKeepsTheMostSampledStacksAndSaysWhatItLeftOut() throws Exception {
    List<StackCount> counts = new ArrayList<>();
    for (int pid = 1; pid <= 20_000; pid++) {
      counts.add(new StackCount(MOUNT_NS, pid, "worker", KERNEL, USER, pid));
    }

    StatusOutput.Result result = profile().report(counts);

    assertThat(result.output().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(StatusOutput.MAX_BYTES);
    List<JsonNode> entries = entries(result.output());
    int kept = entries.size();
    assertThat(kept).isBetween(1000, 19_999);
    assertThat(entries.getLast().get("pid").asLong()).isEqualTo(20_000);
    assertThat(entries.getFirst().get("pid").asLong()).isEqualTo(20_000 - kept + 1);
    long keptSamples = entries.stream().mapToLong(entry -> entry.get("count").asLong()).sum();
    assertThat(result.warning())
        .isEqualTo(
            "The report holds the %d most sampled stacks of 20000 (%d of 200010000 samples): it is limited to 512 KiB"
                .formatted(kept, keptSamples));
  }

  private static CpuProfile profile() {
    return new CpuProfile(STACKS::get, FRAMES, GadgetResults.HOST_ON_TEST_NODE);
  }

  private static List<JsonNode> entries(String output) throws Exception {
    List<JsonNode> entries = new ArrayList<>();
    Json.mapper().readTree(output).forEach(entries::add);
    return entries;
  }

  private static long offset(String member) {
    return StackCount.PROFILE_KEY.byteOffset(groupElement(member));
  }
}
