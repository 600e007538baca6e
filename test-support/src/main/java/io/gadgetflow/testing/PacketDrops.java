package io.gadgetflow.testing;

/**
 * An nftables table in a {@link TestNetwork} that drops the TCP packets to one port, on their way
 * in (after loopback, so that the sender sees a loss and retransmits) or on their way out (so that
 * the sending socket is still attached to the packet). Closing it deletes the table: packets flow
 * again.
 */
public final class PacketDrops implements AutoCloseable {
  private static final String TABLE = "gadgetflow_test_drops";

  private final TestNetwork network;

  private PacketDrops(TestNetwork network, String hook, int port) {
    this.network = network;
    network.run("nft", "add", "table", "inet", TABLE);
    network.run(
        "nft",
        "add chain inet %s %s { type filter hook %s priority 0 ; }".formatted(TABLE, hook, hook));
    network.run("nft", "add rule inet %s %s tcp dport %d drop".formatted(TABLE, hook, port));
  }

  /** Drops the packets arriving for {@code port} in {@code network}. */
  public static PacketDrops incoming(TestNetwork network, int port) {
    return new PacketDrops(network, "input", port);
  }

  /** Drops the packets sent to {@code port} from {@code network}. */
  public static PacketDrops outgoing(TestNetwork network, int port) {
    return new PacketDrops(network, "output", port);
  }

  @Override
  public void close() {
    network.run("nft", "delete", "table", "inet", TABLE);
  }
}
