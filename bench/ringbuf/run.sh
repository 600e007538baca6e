#!/usr/bin/env bash
# Ring buffer drain benchmark: GadgetFlow's Java reader against libbpf's ring_buffer__consume on
# the same kind of pre-filled ring, alternating, in one run. Needs root (it loads BPF programs).
#
#   bench/ringbuf/run.sh [ROUNDS [RING_BYTES [FILLS]]]    defaults: 7 rounds, 16 MiB, 10 fills
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
build_bench

out=bench/ringbuf/target
mkdir -p "$out"
command -v cc >/dev/null || die "no C compiler: install the Debian package gcc (or clang)"
[[ -f /usr/include/bpf/libbpf.h ]] || die "libbpf headers missing: install the Debian package libbpf-dev"
cc -O2 -Wall -o "$out/libbpf_consume" bench/ringbuf/libbpf_consume.c -lbpf

# The ring writer is a test BPF program of node-verticle's build.
exec java "${BENCH_JVM_OPTIONS[@]}" \
  -cp "$BENCH_CLASSPATH" io.gadgetflow.bench.ringbuf.RingBufferBench \
  node-verticle/target/test-classes/bpf/test/ringwriter/program.bpf.o \
  "$out/libbpf_consume" \
  "$@"
