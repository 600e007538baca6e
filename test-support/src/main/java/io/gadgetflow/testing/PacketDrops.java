package io.gadgetflow.testing;

/**
 * An nftables table in a {@link TestNetwork} that drops the TCP packets to one port, on their way
 * in (after loopback, so that the sender sees a loss and retransmits) or on their way out (so that
 * the sending socket is still attached to the packet), counting what it dropped. {@link #stop()}
 * lets packets through again and tells how many were dropped; closing deletes the table.
 */
public final class PacketDrops implements AutoCloseable {
  private static final String TABLE = "gadgetflow_test_drops";
  private static final String COUNTER = "dropped";

  private final TestNetwork network;
  private final String chain;
  private boolean deleted;

  private PacketDrops(TestNetwork network, String hook, int port) {
    this.network = network;
    this.chain = hook;
    network.run("nft", "add", "table", "inet", TABLE);
    network.run("nft", "add", "counter", "inet", TABLE, COUNTER);
    network.run(
        "nft",
        "add chain inet %s %s { type filter hook %s priority 0 ; }".formatted(TABLE, chain, hook));
    network.run(
        "nft",
        "add rule inet %s %s tcp dport %d counter name %s drop"
            .formatted(TABLE, chain, port, COUNTER));
  }

  /** Drops the packets arriving for {@code port} in {@code network}. */
  public static PacketDrops incoming(TestNetwork network, int port) {
    return new PacketDrops(network, "input", port);
  }

  /** Drops the packets sent to {@code port} from {@code network}. */
  public static PacketDrops outgoing(TestNetwork network, int port) {
    return new PacketDrops(network, "output", port);
  }

  /** Lets packets through from now on; returns how many were dropped. */
  public long stop() {
    network.run("nft", "flush", "chain", "inet", TABLE, chain);
    // "table inet t { counter dropped { packets 3 bytes 180 } }"
    String counter = network.run("nft", "list", "counter", "inet", TABLE, COUNTER);
    String[] words = counter.substring(counter.indexOf("packets")).split("\\s+");
    return Long.parseLong(words[1]);
  }

  /** Lets packets through and deletes the table. Idempotent. */
  @Override
  public void close() {
    if (!deleted) {
      deleted = true;
      network.run("nft", "delete", "table", "inet", TABLE);
    }
  }
}
