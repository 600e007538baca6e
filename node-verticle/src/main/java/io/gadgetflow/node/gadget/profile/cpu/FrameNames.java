package io.gadgetflow.node.gadget.profile.cpu;

import io.gadgetflow.node.symbols.Symbolizer;

/** Names the frames of sampled stacks: the node's {@link Symbolizer}, or a table in tests. */
interface FrameNames {
  String kernel(long address);

  String user(long pid, long address);

  static FrameNames of(Symbolizer symbolizer) {
    return new FrameNames() {
      @Override
      public String kernel(long address) {
        return symbolizer.kernelFrame(address);
      }

      @Override
      public String user(long pid, long address) {
        return symbolizer.userFrame(pid, address);
      }
    };
  }
}
