package io.gadgetflow.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name: the node name of its agent and the controller's identity by default. */
final class HostName {
  private HostName() {}

  static String get() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return System.getenv().getOrDefault("HOSTNAME", "localhost");
    }
  }
}
