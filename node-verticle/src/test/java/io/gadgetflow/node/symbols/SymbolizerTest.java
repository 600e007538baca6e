package io.gadgetflow.node.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.lang.foreign.Linker;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Names addresses of this very process: its libc is mapped, and Java can tell where. */
class SymbolizerTest {
  private static final long PID = ProcessHandle.current().pid();

  private final Symbolizer symbolizer = new Symbolizer(kernel(), Path.of("/proc"));

  @Test
  void namesAFunctionOfALibraryThisProcessMapsByItsSymbolTable() {
    long getppid = libcFunction("getppid");

    assertThat(symbolizer.userFrame(PID, getppid)).isEqualTo("getppid");
    assertThat(symbolizer.userFrame(PID, getppid + 3)).isEqualTo("getppid");
    assertThat(symbolizer.userFrame(PID, libcFunction("getpid"))).isEqualTo("getpid");
  }

  @Test
  void anAddressNoFileMapsOrOfAProcessThatIsGoneIsWrittenInHex() {
    assertThat(symbolizer.userFrame(PID, 0x10L)).isEqualTo("0x10");
    assertThat(symbolizer.userFrame(Integer.MAX_VALUE, libcFunction("getppid")))
        .isEqualTo("0x" + Long.toHexString(libcFunction("getppid")));
  }

  @Test
  void namesKernelAddressesByTheFunctionTheyAreIn() {
    assertThat(symbolizer.kernelFrame(0xffffffff816d86b0L)).isEqualTo("vfs_read");
    assertThat(symbolizer.kernelFrame(0xffffffff816d86f0L)).isEqualTo("vfs_read");
    assertThat(symbolizer.kernelFrame(0xffffffff81000000L)).isEqualTo("0xffffffff81000000");
  }

  private static long libcFunction(String name) {
    return Linker.nativeLinker().defaultLookup().find(name).orElseThrow().address();
  }

  private static KernelSymbols kernel() {
    try {
      return KernelSymbols.parse(
          new StringReader(
              "ffffffff816d8600 T vfs_iter_read\nffffffff816d86b0 T vfs_read\n"
                  + "ffffffff816d8800 T vfs_write\n"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
