package io.gadgetflow.node.gadget;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.List;

/**
 * The types a gadget's user space shares with its BPF program, as {@link java.lang.foreign} layouts
 * named like the C types and their members: the structs it decodes and the maps whose entries it
 * reads. Decoders take every offset and size they use from these layouts (see {@link CStructs}),
 * and a unit test checks the layouts against the BTF of the compiled program, without loading it.
 *
 * @param structs the structs user space decodes, each named like its C struct; the program marks
 *     each one with {@code GADGET_LAYOUT} so that its BTF keeps it
 * @param maps the maps whose keys and values user space reads
 */
public record ProgramLayouts(List<StructLayout> structs, List<MapLayout> maps) {

  /**
   * A map's key and value as user space reads them.
   *
   * @param name the map's name in the program
   */
  public record MapLayout(String name, MemoryLayout key, MemoryLayout value) {}

  public ProgramLayouts {
    structs = List.copyOf(structs);
    maps = List.copyOf(maps);
  }

  public static ProgramLayouts ofStructs(StructLayout... structs) {
    return new ProgramLayouts(List.of(structs), List.of());
  }

  public static ProgramLayouts ofMaps(MapLayout... maps) {
    return new ProgramLayouts(List.of(), List.of(maps));
  }
}
