package io.gadgetflow.node.gadget.trace.dns;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import java.util.Set;

/** dns: src/main/bpf/trace/dns/program.bpf.c, a socket filter per network namespace. */
public final class DnsGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
          GadgetCatalog.DNS, "bpf/trace/dns/program.bpf.o", DnsEventDecoder::new, Set.of());

  private DnsGadget() {}
}
