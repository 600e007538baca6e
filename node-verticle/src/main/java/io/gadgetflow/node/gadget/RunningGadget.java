package io.gadgetflow.node.gadget;

import io.gadgetflow.node.bpf.BootClock;
import io.gadgetflow.node.bpf.BpfLink;
import io.gadgetflow.node.bpf.BpfMap;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.bpf.BpfProgram;
import io.gadgetflow.node.bpf.NetworkNamespace;
import io.gadgetflow.node.bpf.PerCpuCounter;
import io.gadgetflow.node.bpf.RingBufferReader;
import io.gadgetflow.node.bpf.Tracefs;
import java.util.List;
import java.util.Optional;

/**
 * A gadget's BPF program loaded, attached and producing events, with everything needed to consume
 * them: the ring reader (the caller runs it on a thread of its own), a decoder, the lost-event
 * counter, and the mount namespace filter. Closing it stops the events and frees all of it.
 */
public final class RunningGadget implements AutoCloseable {
  private static final String EVENTS_MAP = "events";
  private static final String LOST_MAP = "lost";

  /** The {@code lost} map's slots (gadgetflow.h): kernel out of room, namespace over its share. */
  private static final int LOST_KERNEL = 0;

  private static final int LOST_OVER_SHARE = 1;
  private static final String MOUNT_NS_FILTER_MAP = "mount_ns_filter";
  private static final String FILTER_SWITCH = "filter_by_mount_ns";

  private final GadgetProgram program;
  private final BpfObject object;
  private final RingBufferReader events;
  private final PerCpuCounter lost;

  /** Null unless the program shares its ring between mount namespaces. */
  private final RingShares ringShares;

  private final MountNamespaceFilter mountNamespaceFilter;
  private final EventDecoder decoder;
  private final long bootToEpochNanos;
  private final boolean filtering;
  private final GadgetParameters parameters;

  /** Null unless the program is made of socket filters. */
  private final NetworkAttachments networks;

  private final List<WatchedNetwork> collectedNetworks;

  private RunningGadget(
      GadgetProgram program,
      BpfObject object,
      RingBufferReader events,
      PerCpuCounter lost,
      RingShares ringShares,
      MountNamespaceFilter mountNamespaceFilter,
      EventDecoder decoder,
      long bootToEpochNanos,
      boolean filtering,
      GadgetParameters parameters,
      NetworkAttachments networks,
      List<WatchedNetwork> collectedNetworks) {
    this.program = program;
    this.object = object;
    this.events = events;
    this.lost = lost;
    this.ringShares = ringShares;
    this.mountNamespaceFilter = mountNamespaceFilter;
    this.decoder = decoder;
    this.bootToEpochNanos = bootToEpochNanos;
    this.filtering = filtering;
    this.parameters = parameters;
    this.networks = networks;
    this.collectedNetworks = collectedNetworks;
  }

  /** Loads and attaches the program with its parameters' defaults. */
  public static RunningGadget start(GadgetProgram program, GadgetOptions options) {
    return start(program, options, GadgetParameters.defaults(program.descriptor()));
  }

  /** Loads and attaches the program; selected mount namespaces are in place before it runs. */
  public static RunningGadget start(
      GadgetProgram program, GadgetOptions options, GadgetParameters parameters) {
    Tracefs.ensureMounted();
    BpfObject object = BpfObject.openResource(program.objectResource());
    RingBufferReader events = null;
    PerCpuCounter lost = null;
    RingShares shares = null;
    MountNamespaceFilter filter = null;
    NetworkAttachments networks = null;
    try {
      object.map(EVENTS_MAP).setMaxEntries(options.ringBufferBytes());
      object.setConstant(FILTER_SWITCH, options.filterByMountNamespace());
      for (BpfProgram bpfProgram : object.programs()) {
        if (program.optionalPrograms().contains(bpfProgram.name())
            && !Tracefs.hasTracepointOf(bpfProgram.sectionName())) {
          bpfProgram.setAutoload(false);
        }
      }
      program.setup().beforeLoad(object, parameters);
      object.load();
      filter = new MountNamespaceFilter(object.map(MOUNT_NS_FILTER_MAP));
      for (long mountNamespaceId : options.mountNamespaceIds()) {
        filter.select(mountNamespaceId);
      }
      events = RingBufferReader.open(object.map(EVENTS_MAP));
      lost = new PerCpuCounter(object.map(LOST_MAP));
      shares = object.hasMap(RingShares.MAP) ? new RingShares(object.map(RingShares.MAP)) : null;
      program.attach().attach(object, parameters);
      List<BpfProgram> socketFilters =
          object.programs().stream().filter(BpfProgram::isSocketFilter).toList();
      networks = socketFilters.isEmpty() ? null : new NetworkAttachments(socketFilters);
      long bootToEpochNanos = BootClock.epochOffsetNanos();
      EventDecoder decoder = program.newDecoder().apply(bootToEpochNanos);
      RunningGadget gadget =
          new RunningGadget(
              program,
              object,
              events,
              lost,
              shares,
              filter,
              decoder,
              bootToEpochNanos,
              options.filterByMountNamespace(),
              parameters,
              networks,
              options.networks());
      program.start().afterAttach(gadget);
      return gadget;
    } catch (RuntimeException e) {
      RuntimeException cleanupFailure = closeAll(networks, events, lost, shares, filter, object);
      if (cleanupFailure != null) {
        e.addSuppressed(cleanupFailure);
      }
      throw e;
    }
  }

  public GadgetProgram program() {
    return program;
  }

  /** The parameters it was started with, for its {@link StatusOutput}. */
  public GadgetParameters parameters() {
    return parameters;
  }

  /** A map of the gadget's own, for its {@link StatusOutput}. */
  public BpfMap map(String mapName) {
    return object.map(mapName);
  }

  /** Runs the gadget's iterator program once; see {@link BpfLink#readIterator()}. */
  public byte[] readIterator(String programName) {
    return object.link(programName).readIterator();
  }

  /**
   * Runs the gadget's iterator program once in {@code namespace}: a socket iterator walks the
   * network namespace of the thread that starts it.
   */
  public byte[] readIterator(String programName, NetworkNamespace namespace) {
    BpfLink link = object.link(programName);
    return namespace.run(link::readIterator);
  }

  /**
   * Whether the gadget is made of socket filters, which watch the namespaces {@link
   * #networkAttachments()} holds.
   */
  public boolean watchesNetworkNamespaces() {
    return networks != null;
  }

  /** Only for a gadget that {@link #watchesNetworkNamespaces()}. */
  public NetworkAttachments networkAttachments() {
    if (networks == null) {
      throw new IllegalStateException(program.name() + " has no socket filters");
    }
    return networks;
  }

  /** The network namespaces a snapshot looks into, from {@link GadgetOptions#networks()}. */
  public List<WatchedNetwork> networks() {
    return collectedNetworks;
  }

  /** Whether the kernel drops events of unselected mount namespaces. */
  public boolean filtering() {
    return filtering;
  }

  /** Poll it from one platform thread; {@link #close()} wakes that thread up. */
  public RingBufferReader events() {
    return events;
  }

  /** For the thread that polls {@link #events()}; decoders are not thread-safe. */
  public EventDecoder decoder() {
    return decoder;
  }

  /** What the decoder adds to the kernel's boot-time clock to make event times epoch times. */
  public long bootToEpochNanos() {
    return bootToEpochNanos;
  }

  /**
   * Events the kernel dropped since the start: the ring (or, for a gadget that aggregates in maps,
   * a map) was full, or their mount namespace had more than its share of the ring.
   */
  public long lostEvents() {
    return lostWithoutRoom() + lostOverShare();
  }

  /**
   * The part of {@link #lostEvents()} dropped because the ring (or, for a gadget that aggregates in
   * maps, a map) was full, since the start.
   */
  public long lostWithoutRoom() {
    return lost.sum(LOST_KERNEL);
  }

  /**
   * The part of {@link #lostEvents()} dropped because their mount namespace had more than its share
   * of the ring while the ring had room (gadgetflow_ring_share.h), since the start.
   */
  public long lostOverShare() {
    return lost.sum(LOST_OVER_SHARE);
  }

  /**
   * Each mount namespace's losses, for a program that shares its ring between them
   * (gadgetflow_ring_share.h); empty for the others, whose losses are only counted for the gadget.
   */
  public Optional<RingShares> ringShares() {
    return Optional.ofNullable(ringShares);
  }

  /** Only for a gadget started with {@link GadgetOptions#filterByMountNamespace()}. */
  public MountNamespaceFilter mountNamespaceFilter() {
    if (!filtering) {
      throw new IllegalStateException(program.name() + " was started without a filter");
    }
    return mountNamespaceFilter;
  }

  /**
   * Wakes the reader thread and waits for its poll to return, then detaches the programs and frees
   * everything. Idempotent.
   */
  @Override
  public void close() {
    RuntimeException failure =
        closeAll(networks, events, lost, ringShares, mountNamespaceFilter, object);
    if (failure != null) {
      throw failure;
    }
  }

  /** Closes every one of them; returns the first failure, the others suppressed in it. */
  private static RuntimeException closeAll(AutoCloseable... resources) {
    RuntimeException failure = null;
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    return failure;
  }
}
