package io.gadgetflow.node.gadget.trace.tcpdrop;

import io.gadgetflow.node.bpf.KernelEnums;
import java.util.Map;

/**
 * The names of the kernel's packet drop reasons ({@code enum skb_drop_reason}), as Inspektor
 * Gadget's tcpdrop writes them: without their {@code SKB_DROP_REASON_} or {@code SKB_} prefix, e.g.
 * {@code NO_SOCKET}. The numbers change from one kernel version to the next, so the names come from
 * the running kernel's BTF, read once per gadget load.
 */
public final class DropReasons {
  private static final String ENUM = "skb_drop_reason";

  private final Map<Long, String> names;

  DropReasons(Map<Long, String> kernelNames) {
    this.names = Map.copyOf(kernelNames);
  }

  public static DropReasons ofRunningKernel() {
    return new DropReasons(KernelEnums.valueNames(ENUM));
  }

  /** The reason's name; {@code UNKNOWN#n} for a number the kernel's enum does not have. */
  public String name(int reason) {
    String name = names.get((long) reason);
    if (name == null) {
      return "UNKNOWN#" + Integer.toUnsignedString(reason);
    }
    if (name.startsWith("SKB_DROP_REASON_")) {
      return name.substring("SKB_DROP_REASON_".length());
    }
    return name.startsWith("SKB_") ? name.substring("SKB_".length()) : name;
  }
}
