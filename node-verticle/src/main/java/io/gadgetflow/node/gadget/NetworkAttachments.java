package io.gadgetflow.node.gadget;

import io.gadgetflow.node.bpf.BpfProgram;
import io.gadgetflow.node.bpf.NetworkNamespace;
import io.gadgetflow.node.bpf.PacketSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The network namespaces a gadget of socket filters watches: in each, one packet socket per filter
 * program. Follows containers as they come and go; safe to use from any thread. Several traces may
 * share the gadget, each selecting its containers' namespaces: a namespace stays watched until
 * every selection of it was withdrawn.
 */
public final class NetworkAttachments implements AutoCloseable {
  private static final class Watched {
    final List<PacketSocket> sockets;
    int selections = 1;

    Watched(List<PacketSocket> sockets) {
      this.sockets = sockets;
    }
  }

  private final List<BpfProgram> filters;
  private final Map<Long, Watched> watched = new HashMap<>();
  private boolean closed;

  NetworkAttachments(List<BpfProgram> filters) {
    this.filters = List.copyOf(filters);
  }

  /**
   * Starts watching {@code namespace}, or counts one more selection of it. Blocks while a thread
   * joins the namespace to open the sockets there.
   *
   * @throws IllegalStateException when the namespace cannot be joined (no process left in it)
   */
  public synchronized void select(NetworkNamespace namespace) {
    if (closed) {
      throw new IllegalStateException("the gadget is closed");
    }
    Watched known = watched.get(namespace.id());
    if (known != null) {
      known.selections++;
      return;
    }
    watched.put(namespace.id(), new Watched(namespace.run(this::openSockets)));
  }

  /** Withdraws one selection; the last one closes the namespace's sockets. */
  public synchronized void deselect(long namespaceId) {
    Watched known = watched.get(namespaceId);
    if (known == null || --known.selections > 0) {
      return;
    }
    watched.remove(namespaceId);
    known.sockets.forEach(PacketSocket::close);
  }

  /** The ids of the namespaces watched now. */
  public synchronized Set<Long> namespaceIds() {
    return Set.copyOf(watched.keySet());
  }

  /** Closes every socket. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    watched.values().forEach(known -> known.sockets.forEach(PacketSocket::close));
    watched.clear();
  }

  /** In the namespace: one socket per filter, or none at all. */
  private List<PacketSocket> openSockets() {
    List<PacketSocket> sockets = new ArrayList<>(filters.size());
    try {
      for (BpfProgram filter : filters) {
        sockets.add(PacketSocket.open(filter));
      }
      return sockets;
    } catch (RuntimeException e) {
      sockets.forEach(PacketSocket::close);
      throw e;
    }
  }
}
