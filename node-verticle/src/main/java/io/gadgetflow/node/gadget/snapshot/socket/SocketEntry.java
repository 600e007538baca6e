package io.gadgetflow.node.gadget.snapshot.socket;

/**
 * One socket of a socket-collector snapshot, with Inspektor Gadget's field names, in the order they
 * are written: the pod whose network namespace holds it (empty for the host's), then the socket.
 *
 * @param status a TCP state such as {@code LISTEN}; for UDP {@code ACTIVE} (connected) or {@code
 *     INACTIVE}
 * @param inodeNumber the socket's inode, as {@code /proc/net/tcp} shows it; 0 for a TCP socket in
 *     {@code TIME_WAIT} or not accepted yet, which have none
 */
public record SocketEntry(
    String namespace,
    String pod,
    long netnsid,
    String protocol,
    String localAddress,
    int localPort,
    String remoteAddress,
    int remotePort,
    String status,
    long inodeNumber) {}
