package io.gadgetflow.node.gadget;

import io.gadgetflow.api.gadget.GadgetDescriptor;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * What the node agent needs to run a BPF gadget of the catalogue.
 *
 * @param objectResource the compiled program on the class path, {@code
 *     bpf/<category>/<name>/program.bpf.o}
 * @param newDecoder makes a decoder, given the offset from boot to epoch time
 * @param optionalPrograms programs left out where the kernel lacks their tracepoint (e.g. open(2)
 *     on arm64) instead of failing the gadget
 */
public record GadgetProgram(
    GadgetDescriptor descriptor,
    String objectResource,
    LongFunction<EventDecoder> newDecoder,
    Set<String> optionalPrograms) {

  public GadgetProgram {
    optionalPrograms = Set.copyOf(optionalPrograms);
  }

  public String name() {
    return descriptor.name();
  }
}
