package io.gadgetflow.node.gadget.advise.seccompprofile;

import io.gadgetflow.node.bpf.NativeArchitecture;
import java.util.List;
import java.util.SortedSet;

/**
 * A seccomp profile in the JSON format of the OCI runtime spec, Docker and the
 * security-profiles-operator's {@code SeccompProfile} spec: everything not listed fails with an
 * errno, the system calls observed are allowed.
 */
public record SeccompProfile(
    String defaultAction, List<String> architectures, List<SyscallRule> syscalls) {

  /** One rule: these system calls get this action. */
  public record SyscallRule(List<String> names, String action) {}

  public static final String ERRNO = "SCMP_ACT_ERRNO";
  public static final String ALLOW = "SCMP_ACT_ALLOW";

  public SeccompProfile {
    architectures = List.copyOf(architectures);
    syscalls = List.copyOf(syscalls);
  }

  /** Allows {@code observed} (sorted names) on this machine's architecture and its 32-bit ones. */
  public static SeccompProfile allowing(SortedSet<String> observed) {
    return new SeccompProfile(
        ERRNO,
        nativeArchitectures(),
        observed.isEmpty() ? List.of() : List.of(new SyscallRule(List.copyOf(observed), ALLOW)));
  }

  /** As Docker's default profile names them: the native one first, then its compat modes. */
  private static List<String> nativeArchitectures() {
    return switch (NativeArchitecture.current()) {
      case X86_64 -> List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
      case AARCH64 -> List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
    };
  }
}
