package io.gadgetflow.node.gadget.snapshot.process;

/**
 * One process (or thread) of a process-collector snapshot, with Inspektor Gadget's field names, in
 * the order they are written.
 */
public record ProcessEntry(
    String comm, long pid, long tid, long ppid, long uid, long gid, long mountnsid) {}
