#!/usr/bin/env bash
# Packet filter benchmark: what trace dns's and trace sni's socket filters cost per packet, in the
# kernel (BPF_PROG_TEST_RUN's own timing), against a filter that does nothing, for packets they
# skip and packets they report. Needs root (it loads BPF programs).
#
#   bench/packetfilter/run.sh [ROUNDS]    default: 7 rounds
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
build_bench

# The baseline is a test BPF program of node-verticle's build; the gadgets are on the class path.
exec java "${BENCH_JVM_OPTIONS[@]}" \
  -cp "$BENCH_CLASSPATH" io.gadgetflow.bench.packetfilter.PacketFilterBench \
  node-verticle/target/test-classes/bpf/test/passfilter/program.bpf.o \
  "$@"
