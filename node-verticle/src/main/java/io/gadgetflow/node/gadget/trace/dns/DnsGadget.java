package io.gadgetflow.node.gadget.trace.dns;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import java.util.Set;

/** dns: src/main/bpf/trace/dns/program.bpf.c, a socket filter per network namespace. */
public final class DnsGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
          GadgetCatalog.DNS,
          "bpf/trace/dns/program.bpf.o",
          ProgramLayouts.ofStructs(DnsEventDecoder.DNS_EVENT),
          DnsEventDecoder::new,
          Set.of());

  private DnsGadget() {}
}
