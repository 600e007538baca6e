package io.gadgetflow.node.gadget.profile.cpu;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.node.gadget.ContainerNames;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.gadget.StatusOutput;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Inspektor Gadget's profile cpu report: a JSON array with one entry per process and pair of
 * stacks, {@code {"node":..,"namespace":..,"pod":..,"container":..,"comm":..,"pid":..,
 * "mountnsid":..,"userStack":[..],"kernelStack":[..],"count":N}}, the least sampled first, as
 * Inspektor Gadget orders it. Frames are innermost first; a stack the sample did not have is left
 * out, one that could not be kept is bcc's {@code [Missed User Stack]} or {@code [Missed Kernel
 * Stack]}.
 *
 * <p>A report is at most {@link StatusOutput#MAX_BYTES}, what a Trace's status may hold: when the
 * entries would not fit, it keeps the most sampled ones and says in its warning how many it left
 * out (the node agent would otherwise keep the first ones, the least sampled).
 */
final class CpuProfile {
  static final String MISSED_USER_STACK = "[Missed User Stack]";
  static final String MISSED_KERNEL_STACK = "[Missed Kernel Stack]";

  private static final JsonName COMM = JsonName.of("comm");
  private static final JsonName PID = JsonName.of("pid");
  private static final JsonName MOUNT_NS_ID = JsonName.of(CommonEventFields.MOUNT_NS_ID);
  private static final JsonName USER_STACK = JsonName.of("userStack");
  private static final JsonName KERNEL_STACK = JsonName.of("kernelStack");
  private static final JsonName COUNT = JsonName.of("count");

  /** Most sampled first; ties in a fixed order, so that the same counts give the same report. */
  private static final Comparator<StackCount> MOST_SAMPLED_FIRST =
      Comparator.comparingLong(StackCount::count)
          .reversed()
          .thenComparingLong(StackCount::pid)
          .thenComparingLong(StackCount::kernelStackId)
          .thenComparingLong(StackCount::userStackId)
          .thenComparing(StackCount::comm)
          .thenComparingLong(StackCount::mountNsId);

  private final LongFunction<long[]> stacks;
  private final FrameNames frames;
  private final ContainerNames names;
  private final Map<Long, List<String>> kernelStacks = new HashMap<>();
  private final Map<List<Long>, List<String>> userStacks = new HashMap<>();
  private final JsonEventWriter writer = new JsonEventWriter();

  /**
   * @param stacks a stack's instruction pointers by its id, innermost first, 0 after the last
   */
  CpuProfile(LongFunction<long[]> stacks, FrameNames frames, ContainerNames names) {
    this.stacks = stacks;
    this.frames = frames;
    this.names = names;
  }

  StatusOutput.Result report(List<StackCount> counts) {
    List<StackCount> sorted = counts.stream().sorted(MOST_SAMPLED_FIRST).toList();
    List<byte[]> kept = new ArrayList<>();
    long bytes = 2;
    int index = 0;
    for (; index < sorted.size(); index++) {
      byte[] entry = entry(sorted.get(index));
      if (bytes + entry.length + 1 > StatusOutput.MAX_BYTES) {
        break;
      }
      kept.add(entry);
      bytes += entry.length + 1;
    }
    ByteArrayOutputStream json = new ByteArrayOutputStream((int) bytes);
    json.write('[');
    for (int i = kept.size() - 1; i >= 0; i--) {
      json.writeBytes(kept.get(i));
      if (i > 0) {
        json.write(',');
      }
    }
    json.write(']');
    String output = json.toString(StandardCharsets.UTF_8);
    if (index == sorted.size()) {
      return StatusOutput.Result.of(output);
    }
    long keptSamples = sorted.stream().limit(index).mapToLong(StackCount::count).sum();
    long allSamples = sorted.stream().mapToLong(StackCount::count).sum();
    return new StatusOutput.Result(
        output,
        "The report holds the %d most sampled stacks of %d (%d of %d samples): it is limited to %d KiB"
            .formatted(
                index, sorted.size(), keptSamples, allSamples, StatusOutput.MAX_BYTES / 1024));
  }

  private byte[] entry(StackCount count) {
    writer.beginObject();
    names.write(count.mountNsId(), writer);
    writer.field(COMM, count.comm());
    writer.field(PID, count.pid());
    writer.field(MOUNT_NS_ID, count.mountNsId());
    writeStack(USER_STACK, userStack(count));
    writeStack(KERNEL_STACK, kernelStack(count.kernelStackId()));
    writer.field(COUNT, count.count());
    writer.endObject();
    return writer.toByteArray();
  }

  private void writeStack(JsonName name, List<String> stack) {
    if (stack.isEmpty()) {
      return;
    }
    writer.beginArrayField(name);
    stack.forEach(writer::stringElement);
    writer.endArray();
  }

  private List<String> kernelStack(long id) {
    if (id == StackCount.NO_STACK) {
      return List.of();
    }
    if (id == StackCount.LOST_STACK) {
      return List.of(MISSED_KERNEL_STACK);
    }
    return kernelStacks.computeIfAbsent(
        id, key -> addresses(key).stream().map(frames::kernel).toList());
  }

  /** Named per process: the same addresses are different code in different processes. */
  private List<String> userStack(StackCount count) {
    long id = count.userStackId();
    if (id == StackCount.NO_STACK) {
      return List.of();
    }
    if (id == StackCount.LOST_STACK) {
      return List.of(MISSED_USER_STACK);
    }
    return userStacks.computeIfAbsent(
        List.of(count.pid(), id),
        key -> addresses(id).stream().map(address -> frames.user(count.pid(), address)).toList());
  }

  private List<Long> addresses(long stackId) {
    List<Long> addresses = new ArrayList<>();
    for (long address : stacks.apply(stackId)) {
      if (address == 0) {
        break;
      }
      addresses.add(address);
    }
    return addresses;
  }
}
