/**
 * Running the catalogue's BPF gadgets on a node: {@link io.gadgetflow.node.catalog.GadgetPrograms}
 * names them, {@link io.gadgetflow.node.gadget.RunningGadget} runs one, its {@link
 * io.gadgetflow.node.gadget.EventDecoder} turns ring records into Inspektor Gadget event JSON in a
 * reused {@link io.gadgetflow.node.gadget.JsonEventWriter}. One package per gadget below this one,
 * {@code <category>.<name>}, beside its program in src/main/bpf/{@code <category>/<name>}.
 */
package io.gadgetflow.node.gadget;
