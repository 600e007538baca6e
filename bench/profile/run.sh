#!/usr/bin/env bash
# profile cpu benchmark: what the gadget's program costs per sample in the kernel, against
# bpftrace's profile probe sampling the same CPUs at the same time (the kernel's own BPF run-time
# statistics), and how long the node agent takes to read and name a report. Needs root.
#
#   bench/profile/run.sh [ROUNDS [SECONDS [FREQUENCY]]]    defaults: 5 rounds of 5 s at 99 Hz
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
build_bench

# The workload of the gadget's tests: reading /dev/zero keeps a CPU in the kernel.
mkdir -p bench/profile/target
cc -O1 -fno-omit-frame-pointer -fno-inline -o bench/profile/target/gadgetflow-spin \
  node-verticle/src/test/c/profile/spin.c

exec java "${BENCH_JVM_OPTIONS[@]}" \
  -cp "$BENCH_CLASSPATH" io.gadgetflow.bench.profile.ProfileBench \
  bench/profile/target/gadgetflow-spin "$@"
