package io.gadgetflow.node.gadget;

import io.gadgetflow.api.gadget.GadgetDescriptor;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * What the node agent needs to run a BPF gadget of the catalogue.
 *
 * @param objectResource the compiled program on the class path, {@code
 *     bpf/<category>/<command>/program.bpf.o}
 * @param layouts what user space reads of the program's types: offsets and sizes come from here
 * @param newDecoder makes a decoder, given the offset from boot to epoch time
 * @param optionalPrograms programs left out where the kernel lacks their tracepoint (e.g. open(2)
 *     on arm64) instead of failing the gadget
 * @param setup applies the trace's parameters to the opened object, before it loads
 * @param attach attaches the loaded programs
 * @param start runs once the programs are attached
 * @param result for gadgets that answer with {@code status.output} (profile, snapshot, advise):
 *     reads it from the kernel
 * @param table for top gadgets, which report a table per interval instead of events: what their
 *     program gathers
 */
public record GadgetProgram(
    GadgetDescriptor descriptor,
    String objectResource,
    ProgramLayouts layouts,
    LongFunction<EventDecoder> newDecoder,
    Set<String> optionalPrograms,
    ProgramSetup setup,
    ProgramAttach attach,
    ProgramStart start,
    Optional<StatusOutput> result,
    Optional<TopTable> table) {

  public GadgetProgram {
    optionalPrograms = Set.copyOf(optionalPrograms);
  }

  /** A stream gadget without parameters. */
  public GadgetProgram(
      GadgetDescriptor descriptor,
      String objectResource,
      ProgramLayouts layouts,
      LongFunction<EventDecoder> newDecoder,
      Set<String> optionalPrograms) {
    this(
        descriptor,
        objectResource,
        layouts,
        newDecoder,
        optionalPrograms,
        ProgramSetup.NONE,
        ProgramAttach.BY_SECTION,
        ProgramStart.NONE,
        Optional.empty(),
        Optional.empty());
  }

  public GadgetProgram withSetup(ProgramSetup programSetup) {
    return new GadgetProgram(
        descriptor,
        objectResource,
        layouts,
        newDecoder,
        optionalPrograms,
        programSetup,
        attach,
        start,
        result,
        table);
  }

  public GadgetProgram withStart(ProgramStart programStart) {
    return new GadgetProgram(
        descriptor,
        objectResource,
        layouts,
        newDecoder,
        optionalPrograms,
        setup,
        attach,
        programStart,
        result,
        table);
  }

  public GadgetProgram withResult(StatusOutput statusOutput) {
    return new GadgetProgram(
        descriptor,
        objectResource,
        layouts,
        newDecoder,
        optionalPrograms,
        setup,
        attach,
        start,
        Optional.of(statusOutput),
        table);
  }

  public GadgetProgram withTable(TopTable topTable) {
    return new GadgetProgram(
        descriptor,
        objectResource,
        layouts,
        newDecoder,
        optionalPrograms,
        setup,
        attach,
        start,
        result,
        Optional.of(topTable));
  }

  public GadgetProgram withAttach(ProgramAttach programAttach) {
    return new GadgetProgram(
        descriptor,
        objectResource,
        layouts,
        newDecoder,
        optionalPrograms,
        setup,
        programAttach,
        start,
        result,
        table);
  }

  public String name() {
    return descriptor.name();
  }
}
