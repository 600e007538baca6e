package io.gadgetflow.node.gadget;

/** The names of the kernel's TCP states (include/net/tcp_states.h), without their {@code TCP_}. */
public final class TcpStates {
  private static final String[] NAMES = {
    "ESTABLISHED",
    "SYN_SENT",
    "SYN_RECV",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "TIME_WAIT",
    "CLOSE",
    "CLOSE_WAIT",
    "LAST_ACK",
    "LISTEN",
    "CLOSING",
    "NEW_SYN_RECV"
  };

  private TcpStates() {}

  /** The name of {@code state}, from TCP_ESTABLISHED = 1; null for a number that is none. */
  public static String name(int state) {
    return state >= 1 && state <= NAMES.length ? NAMES[state - 1] : null;
  }
}
