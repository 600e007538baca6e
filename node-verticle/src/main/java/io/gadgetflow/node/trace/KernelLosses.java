package io.gadgetflow.node.trace;

/**
 * Events the kernel dropped, by why: it had no room (a full ring, or a full map for the gadgets
 * that aggregate in maps), or their mount namespace held more than its share of the ring.
 */
record KernelLosses(long noRoom, long overShare) {
  static final KernelLosses NONE = new KernelLosses(0, 0);

  /** From a count of all losses and the part of it over a share. */
  static KernelLosses ofTotal(long all, long overShare) {
    return new KernelLosses(all - overShare, overShare);
  }

  long total() {
    return noRoom + overShare;
  }

  KernelLosses plus(KernelLosses other) {
    return new KernelLosses(noRoom + other.noRoom, overShare + other.overShare);
  }

  KernelLosses minus(KernelLosses other) {
    return new KernelLosses(noRoom - other.noRoom, overShare - other.overShare);
  }
}
