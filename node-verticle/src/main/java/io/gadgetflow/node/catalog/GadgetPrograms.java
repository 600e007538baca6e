package io.gadgetflow.node.catalog;

import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.advise.seccompprofile.SeccompGadget;
import io.gadgetflow.node.gadget.profile.blockio.BlockIoGadget;
import io.gadgetflow.node.gadget.profile.cpu.CpuProfileGadget;
import io.gadgetflow.node.gadget.profile.tcprtt.TcpRttGadget;
import io.gadgetflow.node.gadget.snapshot.process.ProcessGadget;
import io.gadgetflow.node.gadget.snapshot.socket.SocketGadget;
import io.gadgetflow.node.gadget.top.blockio.BlockIoTopGadget;
import io.gadgetflow.node.gadget.top.file.FileTopGadget;
import io.gadgetflow.node.gadget.top.tcp.TcpTopGadget;
import io.gadgetflow.node.gadget.trace.bind.BindGadget;
import io.gadgetflow.node.gadget.trace.capabilities.CapabilitiesGadget;
import io.gadgetflow.node.gadget.trace.dns.DnsGadget;
import io.gadgetflow.node.gadget.trace.exec.ExecGadget;
import io.gadgetflow.node.gadget.trace.fsslower.FsSlowerGadget;
import io.gadgetflow.node.gadget.trace.mount.MountGadget;
import io.gadgetflow.node.gadget.trace.oomkill.OomKillGadget;
import io.gadgetflow.node.gadget.trace.open.OpenGadget;
import io.gadgetflow.node.gadget.trace.signal.SignalGadget;
import io.gadgetflow.node.gadget.trace.sni.SniGadget;
import io.gadgetflow.node.gadget.trace.tcp.TcpGadget;
import io.gadgetflow.node.gadget.trace.tcpconnect.TcpConnectGadget;
import io.gadgetflow.node.gadget.trace.tcpdrop.TcpDropGadget;
import io.gadgetflow.node.gadget.trace.tcpretrans.TcpRetransGadget;
import java.util.List;
import java.util.Optional;

/**
 * The gadgets of the catalogue this node agent can run, by their Trace {@code gadget} name. Apart
 * from {@code gadget}, which each of them builds on, as Inspektor Gadget keeps its list of gadgets
 * apart from the gadgets.
 */
public final class GadgetPrograms {
  private static final List<GadgetProgram> ALL =
      List.of(
          ExecGadget.PROGRAM,
          OpenGadget.PROGRAM,
          SignalGadget.PROGRAM,
          TcpGadget.PROGRAM,
          BlockIoGadget.PROGRAM,
          ProcessGadget.PROGRAM,
          SeccompGadget.PROGRAM,
          FileTopGadget.PROGRAM,
          TcpTopGadget.PROGRAM,
          BlockIoTopGadget.PROGRAM,
          // Network gadgets (issue 19, h-net).
          DnsGadget.PROGRAM,
          SniGadget.PROGRAM,
          SocketGadget.PROGRAM,
          // Issue 19, h-syscalls.
          BindGadget.PROGRAM,
          MountGadget.PROGRAM,
          OomKillGadget.PROGRAM,
          FsSlowerGadget.PROGRAM,
          CapabilitiesGadget.PROGRAM,
          // TCP gadgets (issue 19, h-tcp).
          TcpRetransGadget.PROGRAM,
          TcpDropGadget.PROGRAM,
          TcpConnectGadget.PROGRAM,
          TcpRttGadget.PROGRAM,
          // Issue 19, h-cpu.
          CpuProfileGadget.PROGRAM);

  private GadgetPrograms() {}

  public static Optional<GadgetProgram> find(String gadgetName) {
    return ALL.stream().filter(program -> program.name().equals(gadgetName)).findFirst();
  }

  public static List<GadgetProgram> all() {
    return ALL;
  }
}
