package io.gadgetflow.node.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class KernelSymbolsTest {

  @Test
  void anAddressBelongsToTheLastFunctionStartingAtOrBeforeIt() throws Exception {
    KernelSymbols symbols =
        KernelSymbols.parse(
            new StringReader(
                """
                ffffffff81000000 T _stext
                ffffffff81382930 T __x64_sys_getppid
                ffffffff81382950 t __do_sys_getppid
                ffffffff82a00000 D some_data
                ffffffff81d7da20 t read_zero
                ffffffffc0201000 t nf_hook_slow\t[nf_tables]
                ffffffff81400000 W weak_function
                """));

    assertThat(symbols.size()).isEqualTo(6);
    assertThat(symbols.functionAt(0xffffffff81382930L)).hasValue("__x64_sys_getppid");
    assertThat(symbols.functionAt(0xffffffff8138294fL)).hasValue("__x64_sys_getppid");
    assertThat(symbols.functionAt(0xffffffff81382951L)).hasValue("__do_sys_getppid");
    assertThat(symbols.functionAt(0xffffffff81d7da40L)).hasValue("read_zero");
    assertThat(symbols.functionAt(0xffffffff81400010L)).hasValue("weak_function");
    assertThat(symbols.functionAt(0xffffffffc0201010L)).hasValue("nf_hook_slow");
    assertThat(symbols.functionAt(0xffffffff80000000L)).isEmpty();
  }

  @Test
  void addressesHiddenFromThisUserNameNothing() throws Exception {
    KernelSymbols symbols =
        KernelSymbols.parse(
            new StringReader("0000000000000000 T _stext\n0000000000000000 T vfs_read\n"));

    assertThat(symbols.size()).isZero();
    assertThat(symbols.functionAt(0xffffffff816d86b0L)).isEmpty();
  }
}
