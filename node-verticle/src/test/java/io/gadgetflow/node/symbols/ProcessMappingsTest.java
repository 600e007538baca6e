package io.gadgetflow.node.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.node.symbols.ProcessMappings.Mapping;
import org.junit.jupiter.api.Test;

class ProcessMappingsTest {

  @Test
  void keepsTheExecutableMappingsOfFiles() {
    ProcessMappings mappings =
        ProcessMappings.parse(
            """
            56074c571000-56074c573000 r--p 00000000 fe:00 247278                     /usr/bin/head
            56074c573000-56074c579000 r-xp 00002000 fe:00 247278                     /usr/bin/head
            56074d000000-56074d021000 rw-p 00000000 00:00 0                          [heap]
            7f1e56c40000-7f1e56dc5000 r-xp 00028000 fe:00 262651                     /usr/lib/x86_64-linux-gnu/libc.so.6
            7f1e57000000-7f1e57001000 r-xp 00000000 00:00 0
            7ffd1a3f0000-7ffd1a3f2000 r-xp 00000000 00:00 0                          [vdso]
            """);

    assertThat(mappings.mappings())
        .containsExactly(
            new Mapping(0x56074c573000L, 0x56074c579000L, 0x2000, "fe:00 247278", "/usr/bin/head"),
            new Mapping(
                0x7f1e56c40000L,
                0x7f1e56dc5000L,
                0x28000,
                "fe:00 262651",
                "/usr/lib/x86_64-linux-gnu/libc.so.6"));
    assertThat(mappings.at(0x56074c573010L)).map(Mapping::path).hasValue("/usr/bin/head");
    assertThat(mappings.at(0x56074c579000L)).isEmpty();
    assertThat(mappings.at(0x7ffd1a3f0010L)).isEmpty();
  }
}
