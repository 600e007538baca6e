/**
 * eBPF from Java through the FFM API and Debian's libbpf 1.x: {@link
 * io.gadgetflow.node.bpf.BpfObject} opens, configures, loads and attaches a compiled program;
 * {@link io.gadgetflow.node.bpf.RingBufferReader} reads its ring buffer straight from the mapped
 * memory; {@link io.gadgetflow.node.bpf.PerCpuCounter} sums per-CPU counters. Failures of libbpf
 * calls are {@link io.gadgetflow.node.bpf.LibbpfException}s that quote what libbpf logged.
 */
package io.gadgetflow.node.bpf;
