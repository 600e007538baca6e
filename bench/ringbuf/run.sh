#!/usr/bin/env bash
# Ring buffer drain benchmark: GadgetFlow's Java reader against libbpf's ring_buffer__consume on
# the same kind of pre-filled ring, alternating, in one run. Needs root (it loads BPF programs).
#
#   bench/ringbuf/run.sh [ROUNDS [RING_BYTES [FILLS]]]    defaults: 7 rounds, 16 MiB, 10 fills
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
use_jdk25

out=bench/ringbuf/target
mkdir -p "$out"
command -v cc >/dev/null || die "no C compiler: install the Debian package gcc (or clang)"
[[ -f /usr/include/bpf/libbpf.h ]] || die "libbpf headers missing: install the Debian package libbpf-dev"

# The Java reader and the ring writer test program both come from node-verticle's build.
./mvnw -B -q -pl node-verticle -am test-compile
cc -O2 -Wall -o "$out/libbpf_consume" bench/ringbuf/libbpf_consume.c -lbpf

exec java --enable-native-access=ALL-UNNAMED \
  -cp node-verticle/target/classes \
  bench/ringbuf/RingBufferBench.java \
  node-verticle/target/test-classes/bpf/test/ringwriter/program.bpf.o \
  "$out/libbpf_consume" \
  "$@"
